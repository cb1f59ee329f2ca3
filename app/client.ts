// What the UI codes against: `EngineClient` (send a request, subscribe to events) — implemented per
// host in hosts/ (Web Worker, Electron MessagePort, Node) — and `Engine`, a small typed layer over
// it: request ids, promises for replies, run handles that see only their own run's events (stale
// ones are dropped) with chunked records already reassembled.
import {
  PROTOCOL_VERSION,
  type CatalogEntry, type PlannedVariant, type EngineEvent, type ModelEvaluation, type EventOf, type ModelSource, type ModelSummary, type Tensor,
  type PromptInfo, type Request, type RequestBody, type RequestType, type RunSpec, type RunSummary,
  type RunToken, type SweepPoint, type SweepRequest, type TileQuery,
} from './protocol';
import { setRecordArray, type LayerRecord } from '../engine';

export interface EngineClient {
  /** Post one request to the service (`v` already set by `Engine`; raw callers set it themselves). */
  send(request: Request): void;
  /** Receive every event, in order; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Stop the host (terminate the Worker / close the port). */
  dispose(): void;
}

export interface RunHandlers {
  onStarted?(prompt: PromptInfo, layout: string, blocks: number[]): void;
  /** One complete record per block, in layout order. */
  onLayer?(record: LayerRecord): void;
  onToken?(token: RunToken): void;
  onNotice?(message: string): void;
}

export interface RunHandle {
  runId: number;
  cancel(): void;
  /** Resolves with the summary (also for cancelled/superseded runs); rejects on run/error or host crash. */
  done: Promise<RunSummary>;
}

export interface SweepHandle {
  sweepId: number;
  cancel(): void;
  done: Promise<{ status: 'complete' | 'cancelled'; points: SweepPoint[] }>;
}

/** A failed request; `message` is the service's one-line explanation. */
export class EngineError extends Error {
  override name = 'EngineError';
}

type Pending = { resolve(e: EngineEvent): void; reject(err: Error): void };
type Partial = { record: LayerRecord; left: number };

export class Engine {
  private nextReq = 1;
  private nextRun = 1;
  private pending = new Map<number, Pending>();
  private runs = new Map<number, { handlers: RunHandlers; settle: Pending; partial?: Partial }>();
  private hostListeners = new Set<(status: EventOf<'host/status'>) => void>();
  private unsubscribe: () => void;

  constructor(readonly client: EngineClient) {
    this.unsubscribe = client.subscribe((e) => this.dispatch(e));
  }

  /** Called when the engine host crashed or was restarted (Electron). Returns the unsubscribe. */
  onHostStatus(fn: (status: EventOf<'host/status'>) => void): () => void {
    this.hostListeners.add(fn);
    return () => this.hostListeners.delete(fn);
  }

  async listModels(): Promise<CatalogEntry[]> {
    return (await this.catalog()).models;
  }

  /** The bundled models and the ablation variants planned but not trained yet (the manifest's `planned`). */
  async catalog(): Promise<{ models: CatalogEntry[]; planned: PlannedVariant[] }> {
    const e = (await this.request('model/list', {})) as EventOf<'model/catalog'>;
    return { models: e.models, planned: e.planned ?? [] };
  }

  /** The bundled models' shipped evaluations (eval.json, train.json, cache sizes: app/evaluations.ts). */
  async evaluations(): Promise<ModelEvaluation[]> {
    const e = await this.request('model/evaluations', {});
    return (e as EventOf<'model/evaluations'>).models;
  }

  /** Opens a model; `onHeaders` sees the summary from the headers before the weights are read.
   *  On failure the service keeps the previous model, and the rejection says why. */
  openModel(source: ModelSource, onHeaders?: (m: ModelSummary) => void): Promise<ModelSummary> {
    return new Promise((resolve, reject) => {
      const reqId = this.nextReq++;
      this.pending.set(reqId, {
        resolve: (e) => {
          if (e.type !== 'model/info') return;
          if (!e.model.loaded) return onHeaders?.(e.model);
          this.lastSource = source;
          resolve(e.model);
        },
        reject,
      });
      this.post({ type: 'model/open', v: PROTOCOL_VERSION, reqId, source });
    });
  }

  /** Starts a run; any earlier run is superseded (its handle resolves with status 'superseded'). */
  run(spec: RunSpec, handlers: RunHandlers = {}): RunHandle {
    const runId = this.nextRun++;
    let settle!: Pending;
    const done = new Promise<RunSummary>((resolve, reject) => {
      settle = { resolve: (e) => resolve((e as EventOf<'run/done'>).summary), reject };
    });
    this.runs.set(runId, { handlers, settle });
    const reqId = this.nextReq++;
    this.runReq.set(reqId, runId);
    this.post({ type: 'run/start', v: PROTOCOL_VERSION, reqId, runId, spec });
    return { runId, done, cancel: () => this.post({ type: 'run/cancel', v: PROTOCOL_VERSION, reqId: this.nextReq++, runId }) };
  }

  /** A full-resolution (or pooled) tile of an attention / implicit-attention map of a run's layer. */
  async tile(query: TileQuery): Promise<{ tile: Tensor; stride: [number, number] }> {
    const e = (await this.request('tile/get', query)) as EventOf<'tile/data'>;
    return { tile: e.tile, stride: e.stride };
  }

  /** The SSM state of a run's layer at a token position: (H, P, N), or (D_inner, N) for Mamba-1. */
  async state(runId: number, layer: number, position: number): Promise<Tensor> {
    const e = (await this.request('state/get', { runId, layer, position })) as EventOf<'state/data'>;
    return e.state;
  }

  sweep(spec: SweepRequest, onProgress?: (p: EventOf<'sweep/progress'>) => void): SweepHandle {
    const sweepId = this.nextRun++;
    const reqId = this.nextReq++;
    const done = new Promise<{ status: 'complete' | 'cancelled'; points: SweepPoint[] }>((resolve, reject) => {
      this.pending.set(reqId, {
        resolve: (e) => {
          if (e.type === 'sweep/progress') return void onProgress?.(e);
          if (e.type === 'sweep/done') resolve({ status: e.status, points: e.points });
        },
        reject,
      });
    });
    this.sweepReq.set(sweepId, reqId);
    this.post({ type: 'sweep/start', v: PROTOCOL_VERSION, reqId, sweepId, spec });
    return { sweepId, done, cancel: () => this.post({ type: 'sweep/cancel', v: PROTOCOL_VERSION, reqId: this.nextReq++, sweepId }) };
  }

  dispose(): void {
    this.unsubscribe();
    this.failAll(new EngineError('engine client disposed'));
    this.client.dispose();
  }

  private sweepReq = new Map<number, number>();
  /** The model to reopen when the host restarts. */
  private lastSource: ModelSource | null = null;
  private runReq = new Map<number, number>();

  private request<T extends RequestType>(type: T, body: RequestBody<T>): Promise<EngineEvent> {
    const reqId = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject });
      this.post({ ...body, type, v: PROTOCOL_VERSION, reqId } as unknown as Request);
    });
  }

  private post(request: Request): void {
    this.client.send(request);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const r of this.runs.values()) r.settle.reject(err);
    this.runs.clear();
    this.sweepReq.clear();
    this.runReq.clear();
  }

  private dispatch(e: EngineEvent): void {
    switch (e.type) {
      case 'host/status':
        if (e.status === 'crashed') this.failAll(new EngineError(e.message));
        if (e.status === 'restarted' && this.lastSource) return this.reopen(e, this.lastSource);
        for (const fn of this.hostListeners) fn(e);
        return;
      case 'service/ready':
        // A host built from other sources (a stale worker or utility process) would misread requests.
        if (e.protocol !== PROTOCOL_VERSION) {
          const message = `the engine speaks protocol ${e.protocol}, this window ${PROTOCOL_VERSION}: reload HybridScope`;
          for (const fn of this.hostListeners) fn({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message });
        }
        return;
      case 'model/catalog': case 'model/evaluations': case 'model/info': case 'tile/data': case 'state/data':
        return this.reply(e.reqId, e, e.type !== 'model/info' || e.model.loaded);
      case 'model/error':
        return this.fail(e.reqId, e.message);
      case 'request/error':
        return this.onRequestError(e);
      case 'sweep/progress': case 'sweep/done': case 'sweep/error': {
        const reqId = this.sweepReq.get(e.sweepId);
        if (reqId === undefined) return;
        if (e.type !== 'sweep/progress') this.sweepReq.delete(e.sweepId);
        if (e.type === 'sweep/error') return this.fail(reqId, e.message);
        return this.reply(reqId, e, e.type === 'sweep/done');
      }
      default:
        return this.onRunEvent(e);
    }
  }

  private reply(reqId: number, e: EngineEvent, final: boolean): void {
    const p = this.pending.get(reqId);
    if (!p) return;
    if (final) this.pending.delete(reqId);
    p.resolve(e);
  }

  private fail(reqId: number, message: string): void {
    const p = this.pending.get(reqId);
    if (!p) return;
    this.pending.delete(reqId);
    p.reject(new EngineError(message));
  }

  private onRequestError(e: EventOf<'request/error'>): void {
    if (e.reqId !== null && this.pending.has(e.reqId)) return this.fail(e.reqId, e.message);
    // A rejected run/start has no pending entry: fail the run it would have started.
    const runId = e.reqId === null ? undefined : this.runReq.get(e.reqId);
    const run = runId === undefined ? undefined : this.runs.get(runId);
    if (runId !== undefined && run) {
      this.runs.delete(runId);
      run.settle.reject(new EngineError(e.message));
    }
  }

  private onRunEvent(e: EngineEvent): void {
    if (!('runId' in e)) return;
    const run = this.runs.get(e.runId);
    if (!run) return; // stale: a run this client no longer follows
    const h = run.handlers;
    switch (e.type) {
      case 'run/started': return h.onStarted?.(e.prompt, e.layout, e.blocks);
      case 'run/notice': return h.onNotice?.(e.message);
      case 'run/token': return h.onToken?.({ step: e.step, id: e.id, text: e.text, logprob: e.logprob, top: e.top });
      case 'run/layer':
        if (e.parts === 0) return h.onLayer?.(e.record);
        run.partial = { record: e.record, left: e.parts };
        return;
      case 'run/layer-part': return this.onPart(run, e);
      case 'run/done':
        this.forgetRun(e.runId);
        return run.settle.resolve(e);
      case 'run/error':
        this.forgetRun(e.runId);
        return run.settle.reject(new EngineError(e.message));
    }
  }

  /** After a host restart the new service holds no model: reopen the last one, then tell listeners. */
  private reopen(e: EventOf<'host/status'>, source: ModelSource): void {
    const tell = (message: string) => {
      for (const fn of this.hostListeners) fn({ ...e, message });
    };
    this.openModel(source).then(
      (m) => tell(`the engine was restarted and ${m.name} reopened`),
      (err: Error) => tell(`the engine was restarted, but the model could not be reopened: ${err.message}`),
    );
  }

  private forgetRun(runId: number): void {
    this.runs.delete(runId);
    for (const [reqId, id] of this.runReq) if (id === runId) this.runReq.delete(reqId);
  }

  private onPart(run: { handlers: RunHandlers; partial?: Partial }, e: EventOf<'run/layer-part'>): void {
    const p = run.partial;
    if (!p || p.record.index !== e.index) return;
    const current = readPath(p.record, e.path);
    let target = current;
    if (!target || target.length !== e.total) {
      target = new Float32Array(e.total);
      setRecordArray(p.record, e.path, target);
    }
    target.set(e.data, e.offset);
    if (--p.left === 0) {
      run.partial = undefined;
      run.handlers.onLayer?.(p.record);
    }
  }
}

function readPath(record: object, path: string): Float32Array | undefined {
  let node: unknown = record;
  for (const k of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[k];
  return node instanceof Float32Array ? node : undefined;
}
