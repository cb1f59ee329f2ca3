// The engine service: executes protocol requests with an engine backend, over an injected port and
// injected file access. Hosts (Electron utility process, Web Worker, Node) only wire a port, a bundled
// root and a folder resolver to `startService`. Every incoming message is validated first; a bad one
// gets a `request/error` event and the service keeps serving.
import type { FileSource } from '../engine/io/files';
import type { Backend } from './backend';
import { readCatalog } from './catalog';
import { hostClock, type Clock } from './clock';
import { checkpointOrder, parseLayout } from '../engine/layout';
import type { EngineEvent, MessagePortLike, ModelSource, ModelSummary, Request } from './protocol';
import { PROTOCOL_VERSION } from './protocol';
import { executeRun, type StopReason } from './run';
import { filesSource, hashingSource, subSource } from './sources';
import { executeSweep } from './sweep';
import { envelopeOf, validateRequest } from './validate';

export interface ServiceOptions<M> {
  port: MessagePortLike;
  backend: Backend<M>;
  /** The bundled models folder: `manifest.json` and one sub-folder per model id. */
  bundled: FileSource;
  /** A folder the host granted under `token` (user picked it); undefined if unknown. */
  resolveFolder?(token: string): FileSource | undefined;
  clock?: Clock;
}

interface Loaded<M> {
  model: M;
  summary: ModelSummary;
}

interface ActiveRun {
  runId: number;
  stop: StopReason | null;
  finished: Promise<void>;
  /** What on-demand tiles and states recompute from. */
  model: unknown;
  prefilled?: unknown;
}

/** Messages of the previous version are told so rather than misread. */
const v = PROTOCOL_VERSION;

export class EngineService<M> {
  private current: Loaded<M> | null = null;
  private run: ActiveRun | null = null;
  private lastRunId = 0;
  private sweeps = new Map<number, { cancelled: boolean }>();
  private clock: Clock;
  /** Model opens run one at a time, in request order. */
  private opening: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ServiceOptions<M>) {
    this.clock = opts.clock ?? hostClock;
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
        return this.post({ type: 'model/catalog', v, reqId: req.reqId, models: await readCatalog(this.opts.bundled) });
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
        const run = this.heldRun(req.runId);
        if (!this.opts.backend.tile) throw new Error('attention tiles are not available in this engine build');
        const { tile, stride } = this.opts.backend.tile(run.model as M, run.prefilled, req);
        const { type: _t, v: _v, reqId, ...query } = req;
        return this.post({ type: 'tile/data', v, reqId, query, tile, stride }, [tile.data.buffer as ArrayBuffer]);
      }
      case 'state/get': {
        const run = this.heldRun(req.runId);
        if (!this.opts.backend.stateAt) throw new Error('SSM states on demand are not available in this engine build');
        const state = this.opts.backend.stateAt(run.model as M, run.prefilled, req.layer, req.position);
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
    const { backend } = this.opts;
    try {
      const src = this.source(source);
      const info = await backend.inspect(src);
      const ref: ModelSummary['ref'] = source.kind === 'bundled' ? { kind: 'bundled', id: source.id } : { kind: 'folder', name: src.name };
      const summary: ModelSummary = {
        ref, name: src.name, modelType: info.model_type, layout: info.layout, layers: info.layers,
        parameters: info.parameters, vocabSize: info.vocab_size, hasTokenizer: await src.has('tokenizer.json'),
        contentHash: '', loaded: false,
      };
      this.post({ type: 'model/info', v, reqId, model: summary });
      const hashing = hashingSource(src);
      const model = await backend.load(hashing.source);
      backend.warmUp?.(model);
      const loaded: ModelSummary = { ...summary, hasTokenizer: backend.hasTokenizer(model), contentHash: await hashing.contentHash(), loaded: true };
      const cache = backend.cacheBytes?.(model);
      if (cache) loaded.blockCache = cache;
      this.current = { model, summary: loaded };
      this.post({ type: 'model/info', v, reqId, model: loaded });
    } catch (e) {
      this.post({ type: 'model/error', v, reqId, message: oneLine(e), current: this.current?.summary ?? null });
    }
  }

  private heldRun(runId: number): ActiveRun {
    const run = this.run;
    if (!run || run.runId !== runId) throw new Error(`run ${runId} is no longer held (a newer run replaced it)`);
    if (run.prefilled === undefined) throw new Error(`run ${runId} has not finished its prefill yet`);
    return run;
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
    const { backend } = this.opts;
    const kinds = backend.kinds(loaded.model);
    let blocks: number[];
    let model: M;
    try {
      blocks = req.spec.layout === undefined ? checkpointOrder(kinds) : parseLayout(kinds, req.spec.layout);
      model = backend.arrange(loaded.model, blocks);
    } catch (e) {
      this.post({ type: 'run/error', v, runId: req.runId, message: oneLine(e) });
      return;
    }
    const run: ActiveRun = { runId: req.runId, stop: null, finished: Promise.resolve(), model };
    await previous?.finished;
    if (this.lastRunId !== req.runId) return this.neverStarted(req.runId);
    this.run = run;
    run.finished = executeRun({
      runId: req.runId, spec: req.spec, model, blocks, kinds, backend, clock: this.clock,
      post: (e, t) => this.post(e, t),
      stopped: () => run.stop,
      onPrefill: (p) => { run.prefilled = p; },
    }).catch((e) => this.post({ type: 'run/error', v, runId: req.runId, message: oneLine(e) }));
    return run.finished;
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
        sweepId: req.sweepId, spec: req.spec, model: loaded.model, modelName: loaded.summary.name, backend: this.opts.backend, clock: this.clock,
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

export function startService<M>(opts: ServiceOptions<M>): EngineService<M> {
  return new EngineService(opts);
}
