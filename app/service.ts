// The engine service: executes protocol requests with the engine, over an injected port and injected
// file access. Hosts (hosts/: Electron utility process, Web Worker, Node) only wire a port, a bundled
// root and a folder resolver to `startService`. Every incoming message is validated first; a bad one
// gets a `request/error` event and the service keeps serving. A run is the engine's own pipeline
// (engine/run.ts): the service adds the envelope, transfers the arrays, and supersedes or cancels.
import { blockCacheBytes, kernelsInUse, kernelThreadsReady, pooledTile, stateAt, type FileSource, type ForwardResult, type Model, type StopReason } from '../engine';
import { readCatalog, readManifest } from './catalog';
import { readEvaluation } from './evaluations';
import { hostClock, type Clock } from './clock';
import { realEngine, type EngineApi } from './engine-api';
import type { EngineEvent, MessagePortLike, ModelEvaluation, ModelSource, ModelSummary, Request, RunSpec } from './protocol';
import { PROTOCOL_VERSION } from './protocol';
import { filesSource, hashingSource, subSource } from './sources';
import { executeSweep } from './sweep';
import { sendLayer } from './transfer';
import { envelopeOf, validateRequest } from './validate';

export interface ServiceOptions {
  port: MessagePortLike;
  /** The engine's entry points; tests may script a run whose timing does not depend on model speed. */
  engine?: EngineApi;
  /** The bundled models folder: `manifest.json` and one sub-folder per model id. */
  bundled: FileSource;
  /** A folder the host granted under `token` (user picked it); undefined if unknown. */
  resolveFolder?(token: string): FileSource | undefined;
  clock?: Clock;
}

interface Loaded {
  model: Model;
  summary: ModelSummary;
}

interface ActiveRun {
  runId: number;
  stop: StopReason | null;
  finished: Promise<void>;
  /** What on-demand tiles and states recompute from, once the prefill is done. */
  prefilled?: { model: Model; result: ForwardResult };
}

/** Messages of the previous version are told so rather than misread. */
const v = PROTOCOL_VERSION;

export class EngineService {
  private current: Loaded | null = null;
  private run: ActiveRun | null = null;
  private lastRunId = 0;
  private sweeps = new Map<number, { cancelled: boolean }>();
  private clock: Clock;
  private engine: EngineApi;
  /** Model opens run one at a time, in request order. */
  private opening: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ServiceOptions) {
    this.clock = opts.clock ?? hostClock;
    this.engine = opts.engine ?? realEngine;
    opts.port.onMessage((data) => this.receive(data));
    this.post({ type: 'service/ready', v, protocol: PROTOCOL_VERSION });
  }

  /** The window on the other end went away: stop what is running and let go of the model. */
  dispose(): void {
    if (this.run && !this.run.stop) this.run.stop = 'cancelled';
    for (const sweep of this.sweeps.values()) sweep.cancelled = true;
    this.current = null;
    this.disposed = true;
  }

  private disposed = false;

  private post(event: EngineEvent, transfer: ArrayBuffer[] = []): void {
    if (this.disposed) return;
    this.opts.port.postMessage(event, transfer);
  }

  private receive(data: unknown): void {
    // `host/` messages (heartbeat, init) are the host's own, answered by the host beside the service.
    if (String((data as { type?: unknown } | null)?.type).startsWith('host/')) return;
    let req: Request;
    try {
      req = validateRequest(data);
    } catch (e) {
      this.post({ type: 'request/error', v, ...envelopeOf(data), message: (e as Error).message });
      return;
    }
    this.handle(req).catch((e) => {
      this.post({ type: 'request/error', v, reqId: req.reqId, requestType: req.type, message: oneLine(e) });
    });
  }

  private async handle(req: Request): Promise<void> {
    switch (req.type) {
      case 'model/list':
        return this.post({ type: 'model/catalog', v, reqId: req.reqId, ...await readManifest(this.opts.bundled) });
      case 'model/evaluations':
        return this.post({ type: 'model/evaluations', v, reqId: req.reqId, models: await this.evaluations() });
      case 'model/open':
        this.opening = this.opening.then(() => this.openModel(req.reqId, req.source));
        return this.opening;
      case 'run/start':
        return this.startRun(req);
      case 'run/cancel':
        // A cancel for a run that already ended or was superseded is stale: nothing to do.
        if (this.run?.runId === req.runId && !this.run.stop) this.run.stop = 'cancelled';
        return;
      case 'tile/get': {
        const { result } = this.heldRun(req.runId);
        const { type: _t, v: _v, reqId, ...query } = req;
        const { tile, stride } = pooledTile(result.context, query);
        return this.post({ type: 'tile/data', v, reqId, query, tile, stride }, [tile.data.buffer as ArrayBuffer]);
      }
      case 'state/get': {
        const { model, result } = this.heldRun(req.runId);
        const state = stateAt(model, result.context.ids, req.layer, req.position);
        return this.post({ type: 'state/data', v, reqId: req.reqId, runId: req.runId, layer: req.layer, position: req.position, state }, [state.data.buffer as ArrayBuffer]);
      }
      case 'sweep/start':
        return this.startSweep(req);
      case 'sweep/cancel': {
        const s = this.sweeps.get(req.sweepId);
        if (s) s.cancelled = true;
        return;
      }
    }
  }

  /** The bundled models' evaluations, read once (the bundled folder does not change while serving). */
  private evaluated: Promise<ModelEvaluation[]> | null = null;

  private evaluations(): Promise<ModelEvaluation[]> {
    this.evaluated ??= (async () => {
      const out: ModelEvaluation[] = [];
      for (const entry of await readCatalog(this.opts.bundled)) out.push(await readEvaluation(this.opts.bundled, entry, (src) => this.engine.inspect(src)));
      return out;
    })();
    // a failure (an unreadable manifest) is said once and tried again on the next request
    this.evaluated.catch(() => { this.evaluated = null; });
    return this.evaluated;
  }

  private source(source: ModelSource): FileSource {
    if (source.kind === 'bundled') return subSource(this.opts.bundled, source.id, source.id);
    if (source.kind === 'files') return filesSource(source.name, source.files);
    const src = this.opts.resolveFolder?.(source.token);
    if (!src) throw new Error(`folder token "${source.token}" was not granted by the host (pick the folder again)`);
    return src;
  }

  /** Headers first (a quick model/info with loaded: false), then weights. Any failure leaves the
   *  previous model in place and says so. */
  private async openModel(reqId: number, source: ModelSource): Promise<void> {
    const { engine } = this;
    try {
      const src = this.source(source);
      const info = await engine.inspect(src);
      const ref: ModelSummary['ref'] = source.kind === 'bundled' ? { kind: 'bundled', id: source.id } : { kind: 'folder', name: src.name };
      const summary: ModelSummary = {
        ref, name: src.name, modelType: info.model_type, layout: info.layout, layers: info.layers,
        parameters: info.parameters, vocabSize: info.vocab_size, hasTokenizer: await src.has('tokenizer.json'),
        contentHash: '', loaded: false, warnings: info.warnings,
      };
      this.post({ type: 'model/info', v, reqId, model: summary });
      const hashing = hashingSource(src);
      const model = await engine.load(hashing.source);
      engine.warmUp(model);
      await kernelThreadsReady(); // so the summary names the threads runs will use
      const loaded: ModelSummary = {
        ...summary, hasTokenizer: model.tokenizer !== undefined, contentHash: await hashing.contentHash(), loaded: true,
        blockCache: model.original.map(blockCacheBytes), kernels: kernelsInUse(),
      };
      this.current = { model, summary: loaded };
      this.post({ type: 'model/info', v, reqId, model: loaded });
    } catch (e) {
      this.post({ type: 'model/error', v, reqId, message: oneLine(e), current: this.current?.summary ?? null });
    }
  }

  private heldRun(runId: number): { model: Model; result: ForwardResult } {
    const run = this.run;
    if (!run || run.runId !== runId) throw new Error(`run ${runId} is no longer held (a newer run replaced it)`);
    if (run.prefilled === undefined) throw new Error(`run ${runId} has not finished its prefill yet`);
    return run.prefilled;
  }

  private async startRun(req: Extract<Request, { type: 'run/start' }>): Promise<void> {
    if (req.runId <= this.lastRunId) throw new Error(`run id ${req.runId} is stale (last run was ${this.lastRunId})`);
    this.lastRunId = req.runId;
    const previous = this.run;
    if (previous && !previous.stop) previous.stop = 'superseded';
    await this.opening;
    if (this.lastRunId !== req.runId) return this.neverStarted(req.runId); // superseded while a model was opening
    const loaded = this.current;
    if (!loaded) {
      this.post({ type: 'run/error', v, runId: req.runId, message: 'no model is open' });
      return;
    }
    const run: ActiveRun = { runId: req.runId, stop: null, finished: Promise.resolve() };
    await previous?.finished;
    if (this.lastRunId !== req.runId) return this.neverStarted(req.runId);
    this.run = run;
    run.finished = this.stream(run, loaded.model, req.spec)
      .catch((e) => this.post({ type: 'run/error', v, runId: req.runId, message: oneLine(e) }));
    return run.finished;
  }

  /** The engine's run, its events posted with the envelope; the summary ends it as run/done. */
  private async stream(run: ActiveRun, model: Model, spec: RunSpec): Promise<void> {
    const { runId } = run;
    const clock = this.clock;
    const events = this.engine.run(model, spec, { pause: () => clock.yield(), stopped: () => run.stop, now: () => clock.now() });
    try {
      for (;;) {
        const next = await events.next();
        if (next.done) return this.post({ type: 'run/done', v, runId, summary: next.value });
        const e = next.value;
        switch (e.type) {
          case 'started': this.post({ type: 'run/started', v, runId, prompt: e.prompt, layout: e.layout, blocks: e.blocks }); break;
          case 'layer': sendLayer(runId, e.record, (ev, t) => this.post(ev, t)); break;
          case 'notice': this.post({ type: 'run/notice', v, runId, message: e.message }); break;
          case 'prefilled': run.prefilled = { model: e.model, result: e.result }; break;
          case 'token': {
            const { type: _t, ...token } = e;
            this.post({ type: 'run/token', v, runId, ...token });
          }
        }
      }
    } finally {
      await events.return(undefined as never); // a run that failed here still lets go of its working arrays
    }
  }

  /** A run superseded before it began still ends with run/done, so its caller is never left waiting. */
  private neverStarted(runId: number): void {
    this.post({
      type: 'run/done', v, runId,
      summary: {
        status: 'superseded', layout: '', blocks: [], promptTokens: 0, generatedIds: [], generatedText: '',
        recordsDigest: '', captureBytes: 0, timings: { firstLayerMs: 0, prefillMs: 0, msPerToken: 0 },
      },
    });
  }

  private async startSweep(req: Extract<Request, { type: 'sweep/start' }>): Promise<void> {
    const loaded = this.current;
    if (!loaded) return this.post({ type: 'sweep/error', v, sweepId: req.sweepId, message: 'no model is open' });
    const state = { cancelled: false };
    this.sweeps.set(req.sweepId, state);
    try {
      await executeSweep({
        sweepId: req.sweepId, spec: req.spec, model: loaded.model, modelName: loaded.summary.name, clock: this.clock,
        post: (e) => this.post(e), cancelled: () => state.cancelled,
      });
    } catch (e) {
      this.post({ type: 'sweep/error', v, sweepId: req.sweepId, message: oneLine(e) });
    } finally {
      this.sweeps.delete(req.sweepId);
    }
  }
}

/** An error as the one line the UI shows (engine errors already name the file and the problem). */
function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 500);
}

export function startService(opts: ServiceOptions): EngineService {
  return new EngineService(opts);
}
