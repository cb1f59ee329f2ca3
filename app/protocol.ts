// The message protocol between a UI (renderer) and the engine service (utility process, Web Worker
// or Node). Every message is a plain object tagged by `type` ('noun/verb') and carrying `v`, the
// protocol version. Requests flow UI → service, events flow service → UI. Large arrays travel as
// engine tensors (`{dtype, shape, data}`), transferred rather than copied where the port allows.
// Validation of incoming requests lives in validate.ts. What a run streams — prompt, layer records,
// tokens, summary — is the engine's own types (engine/run.ts, engine/records.ts), carried unchanged.
import type { BlockInfo, BlockKind, LayerRecord, PooledTileRequest, PromptInfo, RunSpec, RunSummary, RunToken, SweepPoint, Tensor } from '../engine';
export type { AttentionRecord, PhonebookPromptSpec, PromptSpec, SsmRecord, SweepPoint, TokenAlt } from '../engine';

/** 2: layer records are the engine's own (engine/records.ts), layouts are strings. */
export const PROTOCOL_VERSION = 2;

// The run's vocabulary is the engine's; these re-exports let a UI speak the protocol from one place.
export type { BlockKind, LayerRecord, PromptInfo, RunSpec, RunSummary, RunToken, Tensor };

// ---------------------------------------------------------------- models

/** Where a model comes from. A folder is referred to by a token the host granted when the user picked it
 *  (Electron: main's dialog; Node: a test path), never by a path the UI invents. */
export type ModelSource =
  | { kind: 'bundled'; id: string }
  | { kind: 'folder'; token: string }
  | { kind: 'files'; name: string; files: FileEntry[] };

/** A file the page hands over (web build: a File from a folder picker or drop). Structural, so app/
 *  needs no DOM types: a DOM File satisfies it. */
export interface FileEntry {
  /** Path relative to the model folder, e.g. `config.json`. */
  path: string;
  blob: FileBlob;
}

/** What the service reads of a handed-over file: its size, the whole (small files) and slices
 *  (weights, a tensor at a time). A DOM Blob satisfies it. */
export interface FileBlob {
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** One bundled model as listed in assets/models/manifest.json. */
export interface CatalogEntry {
  id: string;
  name: string;
  /** e.g. 'hybrid', 'mamba2', 'mamba', 'transformer' (free text from the manifest). */
  architecture: string;
  layout: string;
  parameters: number;
  /** Longest phonebook (entries) seen in training, when the manifest says. */
  trainMaxEntries?: number;
  description?: string;
  /** The model the app opens in. */
  default?: boolean;
  /** The manifest's one-line verdict on what the model learned (training/cards.py). */
  status?: string;
  /** A trained-alike variant of a study question (training/ABLATIONS.md): what it varies. */
  ablation?: AblationTag;
  /** False for a variant whose evaluation ships without its weights (it lists, but does not open). */
  weights?: boolean;
}

/** The axes of the study's ablations in miniature (training/ABLATIONS.md). */
export const ABLATION_AXES = ['attention-count', 'attention-position', 'state-size', 'seed'] as const;
export type AblationAxis = (typeof ABLATION_AXES)[number];

/** A manifest entry's `ablation`: the axis it varies, its value there, and the bundled model it varies
 *  (`base`: the same recipe with that one thing changed). */
export interface AblationTag {
  axis: AblationAxis;
  value: number | string;
  base: string;
}

/** A variant of training/ablations.json not trained yet (the manifest's `planned`): listed so that the
 *  ablation table shows the whole design and which rows wait for training. No files, no numbers. */
export interface PlannedVariant {
  id: string;
  layout: string;
  ablation: AblationTag;
}

export interface ModelSummary {
  /** `bundled:<id>` or `folder:<name>`: what an experiment refers to. */
  ref: ModelRef;
  name: string;
  modelType: string;
  /** Layout of the checkpoint as saved (original block order). */
  layout: string;
  layers: BlockInfo[];
  parameters: number;
  vocabSize: number;
  hasTokenizer: boolean;
  /** SHA-256 (hex) over config.json and the weight files; empty until the weights are read. */
  contentHash: string;
  /** False while only headers have been read (model/info is sent twice: headers, then weights). */
  loaded: boolean;
  /** What loads but deserves a look, one line each (tensors config.json does not use); from the headers. */
  warnings: string[];
  /** Per checkpoint block (original index), the cache it keeps per sequence in float32 bytes: a
   *  constant SSM state (conv window + state) or K and V per token. With the weights (loaded: true). */
  blockCache?: BlockCache[];
  /** The engine's kernels and threads that run it ('wasm-simd · 2 threads'); with the weights. */
  kernels?: string;
}

/** Cache one block keeps per sequence, float32 bytes: a constant state, and K + V per token. */
export interface BlockCache { state: number; kvPerToken: number }

/** One point of a bundled model's shipped evaluation: its eval.json, the engine's own sweep on the
 *  shipped files (training/cards.py writes it; one seed, a random target per sample, 2 look-ups). */
export interface ReferencePoint {
  format: 'bare' | 'question';
  variant: 'standard' | 'reversed';
  seed: number;
  entries: number;
  samples: number;
  /** Exact answers among the samples. */
  correct: number;
  digitAccuracy: number;
  /** Digits right in the wrong answers; null when none was wrong. */
  wrongDigitAccuracy: number | null;
  meanTokens: number;
  /** Wrong answers that are another entry's number, of the `samples - correct` wrong ones; null when
   *  the file does not say. */
  wrongOtherEntry: number | null;
}

/** The longest sequence a model's training fed it (train.json's book sizes and look-ups, counted with
 *  its tokenizer): where its training length lies on a token axis. */
export interface TrainingLength {
  entries: number;
  tokens: number;
  /** The book that reaches it. */
  format: 'bare' | 'question';
  variant: 'standard' | 'reversed';
  lookups: number;
}

/** What a bundled model's folder says about how it was trained and how it scores (app/evaluations.ts). */
export interface ModelEvaluation {
  id: string;
  points: ReferencePoint[];
  /** train.json's loss curve, phase by phase (phase 0 first; a later phase counts steps from its own start). */
  loss: { phase: number; step: number; loss: number }[];
  training: TrainingLength | null;
  /** Per block, from config.json alone. */
  blockCache: BlockCache[];
  /** What could not be read, one line each; the rest is still given. */
  problems: string[];
}

export type ModelRef = { kind: 'bundled'; id: string } | { kind: 'folder'; name: string };

// ---------------------------------------------------------------- runs

/** A recall sweep over layouts of the open model (engine/phonebook/sweep.ts runs it). */
export interface SweepRequest {
  /** Each entry is one curve: a layout over the current model (omitted = the checkpoint's). */
  layouts: (string | undefined)[];
  /** Book lengths in entries … */
  entries: number[];
  /** … and/or as prompt token budgets (the NVIDIA study's 4K, 8K, … axis); at least one length overall. */
  tokenBudgets?: number[];
  /** Target depths 0–1; null: a random entry per sample (as the shipped evaluations draw them). */
  depths: (number | null)[];
  variant: 'standard' | 'reversed';
  format: 'bare' | 'question';
  fewShot: number;
  samples: number;
  seed: number;
}

// ---------------------------------------------------------------- requests (UI → service)

interface Req<T extends string> {
  type: T;
  v: number;
  /** Chosen by the client; replies to this request carry it. */
  reqId: number;
}

export type Request =
  | Req<'model/list'>
  /** The bundled models' shipped evaluations (reference curves, training length, loss, cache sizes). */
  | Req<'model/evaluations'>
  | (Req<'model/open'> & { source: ModelSource })
  | (Req<'run/start'> & { runId: number; spec: RunSpec })
  | (Req<'run/cancel'> & { runId: number })
  | (Req<'tile/get'> & TileQuery)
  | (Req<'state/get'> & { runId: number; layer: number; position: number })
  | (Req<'sweep/start'> & { sweepId: number; spec: SweepRequest })
  | (Req<'sweep/cancel'> & { sweepId: number });

export type RequestType = Request['type'];

/** A tile of a run's map (engine/probes/ondemand.ts; size ≤ 1024). */
export interface TileQuery extends PooledTileRequest {
  runId: number;
}

// ---------------------------------------------------------------- events (service → UI)

interface Ev<T extends string> {
  type: T;
  v: number;
}

export type EngineEvent =
  | (Ev<'service/ready'> & { protocol: number })
  | (Ev<'model/catalog'> & { reqId: number; models: CatalogEntry[]; planned: PlannedVariant[] })
  | (Ev<'model/evaluations'> & { reqId: number; models: ModelEvaluation[] })
  | (Ev<'model/info'> & { reqId: number; model: ModelSummary })
  | (Ev<'model/error'> & { reqId: number; message: string; current: ModelSummary | null })
  | (Ev<'run/started'> & { runId: number; prompt: PromptInfo; layout: string; blocks: number[] })
  /** One record per block, in layout order; `parts` > 0 when large arrays follow as run/layer-part. */
  | (Ev<'run/layer'> & { runId: number; record: LayerRecord; parts: number })
  /** A slice of one large array of a record sent just before (`path` as in recordArrays; offset and
   *  total in elements); the client reassembles before handing the record on. */
  | (Ev<'run/layer-part'> & { runId: number; index: number; path: string; offset: number; total: number; data: Float32Array })
  | (Ev<'run/notice'> & { runId: number; message: string })
  | (Ev<'run/token'> & { runId: number } & RunToken)
  | (Ev<'run/done'> & { runId: number; summary: RunSummary })
  | (Ev<'run/error'> & { runId: number; message: string })
  | (Ev<'tile/data'> & { reqId: number; query: TileQuery; tile: Tensor; stride: [number, number] })
  | (Ev<'state/data'> & { reqId: number; runId: number; layer: number; position: number; state: Tensor })
  /** After every sample; `point` when that sample completed a point; `etaMs` estimated time left. */
  | (Ev<'sweep/progress'> & { sweepId: number; done: number; total: number; etaMs: number; point?: SweepPoint })
  | (Ev<'sweep/done'> & { sweepId: number; status: 'complete' | 'cancelled'; points: SweepPoint[] })
  | (Ev<'sweep/error'> & { sweepId: number; message: string })
  /** A request the service could not accept (malformed, wrong version, unknown type, stale id). */
  | (Ev<'request/error'> & { reqId: number | null; requestType: string | null; message: string })
  /** Synthesized by host clients (not the service): the engine host crashed, or came back. */
  | (Ev<'host/status'> & { status: 'crashed' | 'restarted'; message: string });

export type EventType = EngineEvent['type'];
/** The event of one type, e.g. `EventOf<'run/layer'>`. */
export type EventOf<T extends EventType> = Extract<EngineEvent, { type: T }>;
/** A request without the envelope fields the client fills in. */
export type RequestBody<T extends RequestType> = Omit<Extract<Request, { type: T }>, 'v' | 'reqId' | 'type'>;

/** Chunk size for arrays inside one record: larger arrays follow in `run/layer-part` messages. */
export const MAX_MESSAGE_BYTES = 8 * 2 ** 20;

/** A port as both sides see it: a Worker, a MessagePort (DOM, Node, Electron) wrapped by its host. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  /** Install the one handler for incoming messages (`data` already unwrapped from the event). */
  onMessage(handler: (data: unknown) => void): void;
}
