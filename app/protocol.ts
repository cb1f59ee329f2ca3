// The message protocol between a UI (renderer) and the engine service (utility process, Web Worker
// or Node). Every message is a plain object tagged by `type` ('noun/verb') and carrying `v`, the
// protocol version. Requests flow UI → service, events flow service → UI. Large arrays travel as
// typed arrays with their shape (`NDArray`), transferred rather than copied where the port allows.
// Validation of incoming requests lives in validate.ts; the wire form of a layer record in records.ts.
import type { Retrieved } from '../engine/phonebook/score';
import type { BlockKind } from '../engine/layout';
import type { LayerRecordWire } from './records';

export const PROTOCOL_VERSION = 1;

/** A dense float32 array with its row-major shape, e.g. (H, T). */
export interface NDArray {
  shape: number[];
  data: Float32Array;
}

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
  blob: { size: number; arrayBuffer(): Promise<ArrayBuffer> };
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
}

export interface ModelSummary {
  /** `bundled:<id>` or `folder:<name>`: what an experiment refers to. */
  ref: ModelRef;
  name: string;
  modelType: string;
  /** Layout of the checkpoint as saved (original block order). */
  layout: string;
  layers: { index: number; kind: BlockKind }[];
  parameters: number;
  vocabSize: number;
  hasTokenizer: boolean;
  /** SHA-256 (hex) over config.json and the weight files; empty until the weights are read. */
  contentHash: string;
  /** False while only headers have been read (model/info is sent twice: headers, then weights). */
  loaded: boolean;
  /** Per checkpoint block (original index), the cache it keeps per sequence in float32 bytes: a
   *  constant SSM state (conv window + state) or K and V per token. With the weights (loaded: true). */
  blockCache?: BlockCache[];
}

/** Cache one block keeps per sequence, float32 bytes: a constant state, and K + V per token. */
export interface BlockCache { state: number; kvPerToken: number }

export type ModelRef = { kind: 'bundled'; id: string } | { kind: 'folder'; name: string };

// ---------------------------------------------------------------- runs

export interface PhonebookSpec {
  /** Number of entries in the book (or use tokenBudget). */
  entries?: number;
  /** Approximate total prompt length in tokens; the generator picks the entry count. */
  tokenBudget?: number;
  /** Target position in the book, 0 (first) … 1 (last). */
  depth: number;
  variant: 'standard' | 'reversed';
  format: 'bare' | 'question';
  /** Few-shot example queries before the real one. */
  fewShot: number;
}

export type PromptSpec =
  | { kind: 'text'; text: string }
  | { kind: 'ids'; ids: number[] }
  | { kind: 'phonebook'; spec: PhonebookSpec; seed: number };

export interface CaptureSpec {
  attention: boolean;
  ssm: boolean;
  /** Full SSM states at the focus positions. */
  states: boolean;
  /** Extra focus positions (token indices) beyond the ones the prompt defines. */
  focus: number[];
  /** Side of the pooled overview maps (≤ 512). */
  pooledSize: number;
  /** Bytes the run may hold in captures; what would exceed it is dropped with a notice. */
  budgetBytes: number;
}

export const DEFAULT_CAPTURE: CaptureSpec = {
  attention: true, ssm: true, states: true, focus: [], pooledSize: 256, budgetBytes: 64 * 2 ** 20,
};

export interface RunSpec {
  prompt: PromptSpec;
  /** Layout string in the engine's notation (engine/layout.ts: `M-M*-`, `M-MM0*-`); omitted = the checkpoint's. */
  layout?: string;
  capture: CaptureSpec;
  maxNewTokens: number;
  /** Alternatives recorded per generated token. */
  topK: number;
}

/** The prompt as tokenized, sent once before the layer records. */
export interface PromptInfo {
  ids: Int32Array;
  tokens: string[];
  /** Phonebook structure when the prompt is one: token spans [start, end) of each entry. */
  phonebook?: {
    entries: { name: string; number: string; tokens: [number, number] }[];
    target: number;
    examples: number[];
    expected: string;
  };
  /** Token positions whose attention/implicit rows and states are captured. */
  focus: number[];
}

export interface TokenAlt {
  id: number;
  text: string;
  logprob: number;
}

export interface RunSummary {
  status: 'complete' | 'cancelled' | 'superseded';
  layout: string;
  /** Block order actually run (original indices). */
  blocks: number[];
  promptTokens: number;
  generatedIds: number[];
  generatedText: string;
  /** Phonebook runs: the expected answer, exact match of the first line, per-digit accuracy. */
  expected?: string;
  exact?: boolean;
  digitAccuracy?: number;
  /** A wrong answer that is another book entry's number (which, and the name it shares with the
   *  target); null otherwise, and in files saved before it existed. */
  retrieved?: Retrieved | null;
  /** Hash over every layer record's arrays: equal digests ⇒ the same records. */
  recordsDigest: string;
  captureBytes: number;
  timings: { firstLayerMs: number; prefillMs: number; msPerToken: number };
}

// ---------------------------------------------------------------- sweeps

export interface SweepSpec {
  /** Each entry is one curve: a layout over the current model (omitted = the checkpoint's). */
  layouts: (string | undefined)[];
  /** Book lengths in entries … */
  entries: number[];
  /** … and/or as prompt token budgets (the NVIDIA study's 4K, 8K, … axis); at least one length overall. */
  tokenBudgets?: number[];
  depths: number[];
  variant: 'standard' | 'reversed';
  format: 'bare' | 'question';
  fewShot: number;
  samples: number;
  seed: number;
}

export interface SweepPoint {
  layout: string;
  /** The book length asked for: entries, or 0 for a token-budget point. */
  entries: number;
  /** The token budget of a token-budget point. */
  tokenBudget?: number;
  meanEntries: number;
  depth: number;
  samples: number;
  accuracy: number;
  digitAccuracy: number;
  /** Shares of the wrong answers that are another entry's number, and another entry sharing the
   *  target's first or last name; null when none was wrong. */
  wrongOtherEntry: number | null;
  wrongSameName: number | null;
  meanTokens: number;
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
  | (Req<'model/open'> & { source: ModelSource })
  | (Req<'run/start'> & { runId: number; spec: RunSpec })
  | (Req<'run/cancel'> & { runId: number })
  | (Req<'tile/get'> & TileQuery)
  | (Req<'state/get'> & { runId: number; layer: number; position: number })
  | (Req<'sweep/start'> & { sweepId: number; spec: SweepSpec })
  | (Req<'sweep/cancel'> & { sweepId: number });

export type RequestType = Request['type'];

export interface TileQuery {
  runId: number;
  /** Position in the run's layout. */
  layer: number;
  map: 'attention' | 'implicit';
  head: number;
  /** Row range [start, end) and column range [start, end) in token positions. */
  rows: [number, number];
  cols: [number, number];
  /** Longest side of the returned tile; larger ranges are max-pooled down to it (≤ 1024). */
  size: number;
}

// ---------------------------------------------------------------- events (service → UI)

interface Ev<T extends string> {
  type: T;
  v: number;
}

export type EngineEvent =
  | (Ev<'service/ready'> & { protocol: number })
  | (Ev<'model/catalog'> & { reqId: number; models: CatalogEntry[] })
  | (Ev<'model/info'> & { reqId: number; model: ModelSummary })
  | (Ev<'model/error'> & { reqId: number; message: string; current: ModelSummary | null })
  | (Ev<'run/started'> & { runId: number; prompt: PromptInfo; layout: string; blocks: number[] })
  /** One record per block, in layout order; `parts` > 0 when large arrays follow as run/layer-part. */
  | (Ev<'run/layer'> & { runId: number; record: LayerRecordWire; parts: number })
  /** A slice of one large array of a record sent just before (`path` as in recordArrays; offset and
   *  total in elements); the client reassembles before handing the record on. */
  | (Ev<'run/layer-part'> & { runId: number; index: number; path: string; offset: number; total: number; data: Float32Array })
  | (Ev<'run/notice'> & { runId: number; message: string })
  | (Ev<'run/token'> & { runId: number; step: number; id: number; text: string; logprob: number; top: TokenAlt[] })
  | (Ev<'run/done'> & { runId: number; summary: RunSummary })
  | (Ev<'run/error'> & { runId: number; message: string })
  | (Ev<'tile/data'> & { reqId: number; query: TileQuery; tile: NDArray; stride: [number, number] })
  | (Ev<'state/data'> & { reqId: number; runId: number; layer: number; position: number; state: NDArray })
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
