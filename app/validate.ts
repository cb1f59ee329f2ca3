// Validation of every incoming request: shape, types and bounds, before the service acts on it.
// A bad message yields one line naming the field and the problem; the service answers with a
// `request/error` event and keeps serving. Bounds are generous for real use and small enough that
// no request can make the service allocate without limit.
import { type CaptureSpec, LayoutError, MAX_POOLED_SIZE, MAX_PROMPT_TOKENS, readLayout } from '../engine';
import {
  PROTOCOL_VERSION,
  type FileEntry, type ModelSource, type PhonebookPromptSpec, type PromptSpec, type Request,
  type RequestType, type RunSpec, type SweepRequest, type TileQuery,
} from './protocol';

export const LIMITS = {
  textChars: 2_000_000,
  promptIds: MAX_PROMPT_TOKENS,
  layoutLength: 1024,
  /** A layout string's length: a block named by index (`M1023`) takes up to five chars. */
  layoutChars: 5 * 1024,
  maxNewTokens: 4096,
  topK: 64,
  focus: 64,
  pooledSize: MAX_POOLED_SIZE,
  budgetBytes: 2 ** 31,
  entries: 10_000,
  tokenBudget: 1_000_000,
  fewShot: 32,
  sweepAxis: 64,
  sweepLayouts: 16,
  samples: 10_000,
  tileSize: 1024,
  files: 4096,
  idLength: 256,
} as const;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

type Obj = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new ProtocolError(`${path}: ${problem}`);
}

function obj(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
  return v as Obj;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  // JSON quoting keeps a newline or quote in the value from breaking the one-line message.
  if (typeof v === 'string') return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(path, `${v} is out of range [${min}, ${max}]`);
  return v;
}

function num(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `expected a number, got ${describe(v)}`);
  if (v < min || v > max) fail(path, `${v} is out of range [${min}, ${max}]`);
  return v;
}

function str(v: unknown, path: string, maxLength: number): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${describe(v)}`);
  if (v.length > maxLength) fail(path, `string of ${v.length} characters exceeds ${maxLength}`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `expected true or false, got ${describe(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    fail(path, `expected one of ${options.join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

function list<T>(v: unknown, path: string, maxLength: number, item: (x: unknown, p: string) => T): T[] {
  if (!Array.isArray(v)) fail(path, `expected an array, got ${describe(v)}`);
  if (v.length > maxLength) fail(path, `${v.length} items exceed the limit of ${maxLength}`);
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

const ID = /^[A-Za-z0-9._-]+$/;

/** A layout string, checked for syntax here; the service checks it against the open checkpoint. */
function layout(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  const s = str(v, path, LIMITS.layoutChars);
  const blocks = layoutBlocks(s, path);
  if (blocks > LIMITS.layoutLength) fail(path, `layout of ${blocks} blocks exceeds ${LIMITS.layoutLength}`);
  return s;
}

/** How many blocks a layout string names, or a one-line failure for its syntax. */
function layoutBlocks(s: string, path: string): number {
  try {
    return readLayout(s).length;
  } catch (e) {
    if (e instanceof LayoutError) fail(path, `layout ${describe(s)}: ${e.problem}`);
    throw e;
  }
}

function fileEntry(v: unknown, path: string): FileEntry {
  const o = obj(v, path);
  const p = str(o.path, `${path}.path`, 1024);
  if (p.split('/').some((part) => part === '..')) fail(`${path}.path`, `${describe(p)} leaves the model folder`);
  const blob = obj(o.blob, `${path}.blob`);
  if (typeof blob.arrayBuffer !== 'function' || typeof blob.slice !== 'function' || typeof blob.size !== 'number') fail(`${path}.blob`, 'is not a file');
  return { path: p, blob: blob as unknown as FileEntry['blob'] };
}

function modelSource(v: unknown, path: string): ModelSource {
  const o = obj(v, path);
  const kind = oneOf(o.kind, `${path}.kind`, ['bundled', 'folder', 'files'] as const);
  if (kind === 'bundled') {
    const id = str(o.id, `${path}.id`, LIMITS.idLength);
    if (!ID.test(id)) fail(`${path}.id`, `${describe(id)} is not a bundled model id`);
    return { kind, id };
  }
  if (kind === 'folder') return { kind, token: str(o.token, `${path}.token`, LIMITS.idLength) };
  return { kind, name: str(o.name, `${path}.name`, 1024), files: list(o.files, `${path}.files`, LIMITS.files, fileEntry) };
}

function phonebookSpec(v: unknown, path: string): PhonebookPromptSpec {
  const o = obj(v, path);
  const spec: PhonebookPromptSpec = {
    depth: num(o.depth, `${path}.depth`, 0, 1),
    variant: oneOf(o.variant, `${path}.variant`, ['standard', 'reversed'] as const),
    format: oneOf(o.format, `${path}.format`, ['bare', 'question'] as const),
    fewShot: int(o.fewShot, `${path}.fewShot`, 0, LIMITS.fewShot),
  };
  if (o.entries !== undefined) spec.entries = int(o.entries, `${path}.entries`, 1, LIMITS.entries);
  if (o.tokenBudget !== undefined) spec.tokenBudget = int(o.tokenBudget, `${path}.tokenBudget`, 16, LIMITS.tokenBudget);
  if (spec.entries === undefined && spec.tokenBudget === undefined) fail(path, 'needs entries or tokenBudget');
  return spec;
}

function promptSpec(v: unknown, path: string): PromptSpec {
  const o = obj(v, path);
  const kind = oneOf(o.kind, `${path}.kind`, ['text', 'ids', 'phonebook'] as const);
  if (kind === 'text') {
    const text = str(o.text, `${path}.text`, LIMITS.textChars);
    if (text.length === 0) fail(`${path}.text`, 'the prompt is empty');
    return { kind, text };
  }
  if (kind === 'ids') {
    const ids = list(o.ids, `${path}.ids`, LIMITS.promptIds, (x, p) => int(x, p, 0, 2 ** 31 - 1));
    if (ids.length === 0) fail(`${path}.ids`, 'the prompt is empty');
    return { kind, ids };
  }
  return { kind, spec: phonebookSpec(o.spec, `${path}.spec`), seed: int(o.seed, `${path}.seed`, 0, 2 ** 32 - 1) };
}

function captureSpec(v: unknown, path: string): CaptureSpec {
  const o = obj(v, path);
  return {
    attention: bool(o.attention, `${path}.attention`),
    ssm: bool(o.ssm, `${path}.ssm`),
    states: bool(o.states, `${path}.states`),
    focus: list(o.focus, `${path}.focus`, LIMITS.focus, (x, p) => int(x, p, 0, LIMITS.promptIds)),
    pooledSize: int(o.pooledSize, `${path}.pooledSize`, 8, LIMITS.pooledSize),
    budgetBytes: int(o.budgetBytes, `${path}.budgetBytes`, 0, LIMITS.budgetBytes),
  };
}

/** A run spec, checked as a run/start request checks it (also used for experiment files). */
export function validateRunSpec(v: unknown, path: string): RunSpec {
  const o = obj(v, path);
  return {
    prompt: promptSpec(o.prompt, `${path}.prompt`),
    layout: layout(o.layout, `${path}.layout`),
    capture: captureSpec(o.capture, `${path}.capture`),
    maxNewTokens: int(o.maxNewTokens, `${path}.maxNewTokens`, 0, LIMITS.maxNewTokens),
    topK: int(o.topK, `${path}.topK`, 0, LIMITS.topK),
  };
}

function sweepSpec(v: unknown, path: string): SweepRequest {
  const o = obj(v, path);
  const layouts = list(o.layouts, `${path}.layouts`, LIMITS.sweepLayouts, (x, p) => (x === null ? undefined : layout(x, p)));
  if (layouts.length === 0) fail(`${path}.layouts`, 'needs at least one layout (null = the checkpoint\'s)');
  const entries = list(o.entries, `${path}.entries`, LIMITS.sweepAxis, (x, p) => int(x, p, 1, LIMITS.entries));
  const budgets = o.tokenBudgets === undefined ? undefined
    : list(o.tokenBudgets, `${path}.tokenBudgets`, LIMITS.sweepAxis, (x, p) => int(x, p, 16, LIMITS.tokenBudget));
  const depths = list(o.depths, `${path}.depths`, LIMITS.sweepAxis, (x, p) => (x === null ? null : num(x, p, 0, 1)));
  if (entries.length + (budgets?.length ?? 0) === 0 || depths.length === 0) {
    fail(path, 'needs at least one length (entries or tokenBudgets) and one depth');
  }
  return {
    layouts, entries, ...(budgets ? { tokenBudgets: budgets } : {}), depths,
    variant: oneOf(o.variant, `${path}.variant`, ['standard', 'reversed'] as const),
    format: oneOf(o.format, `${path}.format`, ['bare', 'question'] as const),
    fewShot: int(o.fewShot, `${path}.fewShot`, 0, LIMITS.fewShot),
    samples: int(o.samples, `${path}.samples`, 1, LIMITS.samples),
    seed: int(o.seed, `${path}.seed`, 0, 2 ** 32 - 1),
  };
}

function tileQuery(o: Obj): TileQuery {
  const range = (v: unknown, p: string): [number, number] => {
    const r = list(v, p, 2, (x, q) => int(x, q, 0, LIMITS.promptIds));
    if (r.length !== 2 || r[0] >= r[1]) fail(p, 'expected [start, end) with start < end');
    return [r[0], r[1]];
  };
  return {
    runId: int(o.runId, 'runId', 1, Number.MAX_SAFE_INTEGER),
    layer: int(o.layer, 'layer', 0, LIMITS.layoutLength - 1),
    map: oneOf(o.map, 'map', ['attention', 'implicit'] as const),
    head: int(o.head, 'head', 0, 4096),
    rows: range(o.rows, 'rows'),
    cols: range(o.cols, 'cols'),
    size: int(o.size, 'size', 1, LIMITS.tileSize),
  };
}

const ID_MAX = Number.MAX_SAFE_INTEGER;

/** The request in `data`, checked; throws ProtocolError with a one-line message otherwise. */
export function validateRequest(data: unknown): Request {
  const o = obj(data, 'message');
  const type = str(o.type, 'type', 64) as RequestType;
  if (o.v !== PROTOCOL_VERSION) {
    fail('v', `protocol version ${typeof o.v === 'number' ? o.v : describe(o.v)} is not supported (this service speaks ${PROTOCOL_VERSION})`);
  }
  const reqId = int(o.reqId, 'reqId', 0, ID_MAX);
  const head = { v: PROTOCOL_VERSION, reqId };
  switch (type) {
    case 'model/list': return { type, ...head };
    case 'model/evaluations': return { type, ...head };
    case 'model/open': return { type, ...head, source: modelSource(o.source, 'source') };
    case 'run/start': return { type, ...head, runId: int(o.runId, 'runId', 1, ID_MAX), spec: validateRunSpec(o.spec, 'spec') };
    case 'run/cancel': return { type, ...head, runId: int(o.runId, 'runId', 1, ID_MAX) };
    case 'tile/get': return { type, ...head, ...tileQuery(o) };
    case 'state/get': return {
      type, ...head,
      runId: int(o.runId, 'runId', 1, ID_MAX),
      layer: int(o.layer, 'layer', 0, LIMITS.layoutLength - 1),
      position: int(o.position, 'position', 0, LIMITS.promptIds),
    };
    case 'sweep/start': return { type, ...head, sweepId: int(o.sweepId, 'sweepId', 1, ID_MAX), spec: sweepSpec(o.spec, 'spec') };
    case 'sweep/cancel': return { type, ...head, sweepId: int(o.sweepId, 'sweepId', 1, ID_MAX) };
    default: return fail('type', `unknown request type ${describe(type)}`);
  }
}

/** Best-effort reqId and type of a message that failed validation, for the error event. */
export function envelopeOf(data: unknown): { reqId: number | null; requestType: string | null } {
  const o = data !== null && typeof data === 'object' ? (data as Obj) : {};
  return {
    reqId: typeof o.reqId === 'number' && Number.isSafeInteger(o.reqId) ? o.reqId : null,
    requestType: typeof o.type === 'string' ? o.type.slice(0, 64) : null,
  };
}
