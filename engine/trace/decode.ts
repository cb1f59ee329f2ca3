// The JSON of a trace's sections checked field by field (FORMAT.md), before any array is allocated:
// a trace is untrusted input, like a checkpoint. Every problem is a CheckpointError naming the file
// and the field (`layer 3: residualNorm: ...`).
import { CheckpointError } from '../errors';
import { parsePythonJson } from '../io/json';
import { utf8Decode } from '../io/text';
import { KIND_CHAR, type BlockKind } from '../layout';
import { MAX_PROMPT_TOKENS, type PromptInfo } from '../prompt';
import type { LayerRecord } from '../records';
import type { RunSummary, RunToken } from '../run';
import type { TraceHeader } from './write';

const MAX_DEPTH = 16;
const MAX_DIMS = 8;

/** Checks of one section: `bad` throws with the file and the section's name in front. */
class Check {
  constructor(readonly file: string, readonly where: string) {}
  bad(field: string, problem: string): never {
    throw new CheckpointError(this.file, `${this.where}${field ? `: ${field}` : ''}: ${problem}`);
  }
  object(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.bad(field, `is ${brief(v)}, not an object`);
    return v as Record<string, unknown>;
  }
  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.bad(field, `is ${brief(v)}, not a list`);
    return v as unknown[];
  }
  int(v: unknown, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) this.bad(field, `is ${brief(v)}, not an integer in ${min}..${max}`);
    return v as number;
  }
  ints(v: unknown, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number[] {
    const a = this.array(v, field);
    a.forEach((x, i) => this.int(x, `${field}[${i}]`, min, max));
    return a as number[];
  }
  number(v: unknown, field: string): number {
    if (typeof v !== 'number') this.bad(field, `is ${brief(v)}, not a number`);
    return v as number;
  }
  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.bad(field, `is ${brief(v)}, not a string`);
    return v as string;
  }
  strings(v: unknown, field: string): string[] {
    const a = this.array(v, field);
    a.forEach((x, i) => this.string(x, `${field}[${i}]`));
    return a as string[];
  }
  kind(v: unknown, field: string): BlockKind {
    if (typeof v !== 'string' || !Object.hasOwn(KIND_CHAR, v)) this.bad(field, `is ${brief(v)}, not a block kind (${Object.keys(KIND_CHAR).join(', ')})`);
    return v as BlockKind;
  }
}

/** Untrusted values quoted in messages, cut short. */
function brief(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Keys never name `__proto__`, which rebuilding a record would turn into a prototype. */
function checkTree(c: Check, v: unknown): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) checkTree(c, x);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === '__proto__') c.bad('', 'has a key named __proto__');
    checkTree(c, x);
  }
}

/** A section's JSON text, parsed once its nesting is known to be shallow: JSON.parse with a reviver
 *  (Python's non-finite numbers) and every walk after it recurse once per level. */
export function parseSectionJson(bytes: Uint8Array, file: string, where: string): unknown {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    throw new CheckpointError(file, `${where}: JSON is not valid UTF-8`);
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > MAX_DEPTH) throw new CheckpointError(file, `${where}: JSON nests deeper than ${MAX_DEPTH} levels`);
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return parsePythonJson(text, `${file}: ${where}`);
}

export function decodeHeader(json: unknown, file: string): TraceHeader {
  const c = new Check(file, 'header');
  checkTree(c, json);
  const h = c.object(json, '');
  c.string(h.producer, 'producer');
  const m = c.object(h.model, 'model');
  c.string(m.name, 'model.name');
  c.string(m.model_type, 'model.model_type');
  const V = c.int(m.vocab_size, 'model.vocab_size', 1);
  c.array(m.layers, 'model.layers').forEach((l, i) => {
    const layer = c.object(l, `model.layers[${i}]`);
    c.int(layer.index, `model.layers[${i}].index`, i, i);
    c.kind(layer.kind, `model.layers[${i}].kind`);
    if (layer.shared !== undefined) c.int(layer.shared, `model.layers[${i}].shared`, 0);
  });
  const L = (m.layers as unknown[]).length;
  c.string(h.layout, 'layout');
  c.ints(h.blocks, 'blocks', 0, Math.max(0, L - 1));
  const p = c.object(h.prompt, 'prompt');
  const ids = c.ints(p.ids, 'prompt.ids', 0, V - 1);
  const T = ids.length;
  if (T < 1 || T > MAX_PROMPT_TOKENS) c.bad('prompt.ids', `has ${T} tokens; a prompt has 1 to ${MAX_PROMPT_TOKENS}`);
  if (c.strings(p.tokens, 'prompt.tokens').length !== T) c.bad('prompt.tokens', `has ${(p.tokens as string[]).length} items for ${T} ids`);
  c.ints(p.focus, 'prompt.focus', 0, T - 1);
  if (p.phonebook !== undefined) {
    const b = c.object(p.phonebook, 'prompt.phonebook');
    const entries = c.array(b.entries, 'prompt.phonebook.entries');
    entries.forEach((e, i) => {
      const entry = c.object(e, `prompt.phonebook.entries[${i}]`);
      c.string(entry.name, `prompt.phonebook.entries[${i}].name`);
      c.string(entry.number, `prompt.phonebook.entries[${i}].number`);
      const span = c.ints(entry.tokens, `prompt.phonebook.entries[${i}].tokens`, 0, T);
      if (span.length !== 2 || span[0] > span[1]) c.bad(`prompt.phonebook.entries[${i}].tokens`, `is ${brief(span)}, not [start, end] inside the prompt`);
    });
    c.int(b.target, 'prompt.phonebook.target', 0, Math.max(0, entries.length - 1));
    c.ints(b.examples, 'prompt.phonebook.examples', 0, Math.max(0, entries.length - 1));
    c.string(b.expected, 'prompt.phonebook.expected');
  }
  c.object(h.capture, 'capture');
  c.int(h.maxNewTokens, 'maxNewTokens');
  c.int(h.topK, 'topK');
  const prompt = { ...(p as unknown as PromptInfo), ids: Int32Array.from(ids) };
  return { ...(h as unknown as TraceHeader), prompt };
}

/** The arrays a record's JSON describes, checked against the section's data: F32, at most 8
 *  non-negative integer dimensions, length = 4 × their product, tiling the data in JSON order. */
export interface ArraySlot { shape: number[]; offset: number; length: number }

/** A layer record's JSON checked and its descriptors collected; `fill` then builds the record from
 *  the section's data. Nothing is allocated for the arrays here. */
export function decodeRecordJson(json: unknown, file: string, expectIndex: number, header: TraceHeader, dataBytes: number): { slots: ArraySlot[]; fill(data: Uint8Array): LayerRecord } {
  const c = new Check(file, `layer ${expectIndex}`);
  checkTree(c, json);
  const r = c.object(json, '');
  const slots: ArraySlot[] = [];
  const isSlot = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, 'offset');
  const collect = (v: unknown, field: string, parent?: Record<string, unknown>): void => {
    if (isSlot(v)) {
      const d = v as Record<string, unknown>;
      const extra = Object.keys(d).find((k) => !['dtype', 'shape', 'offset', 'length'].includes(k));
      if (extra !== undefined) c.bad(field, `array descriptor has an unknown key ${brief(extra)}`);
      if (d.dtype !== 'F32') c.bad(field, `dtype ${brief(d.dtype)}; trace arrays are F32`);
      const shape = c.ints(d.shape, `${field}.shape`);
      if (shape.length > MAX_DIMS) c.bad(`${field}.shape`, `has ${shape.length} dimensions, at most ${MAX_DIMS}`);
      let n = 1;
      for (const dim of shape) {
        n *= dim;
        // checked as it grows, so that no product of huge dimensions ever overflows
        if (4 * n > dataBytes) c.bad(`${field}.shape`, `${brief(shape)} needs more than the section's ${dataBytes} data bytes`);
      }
      const offset = c.int(d.offset, `${field}.offset`);
      const length = c.int(d.length, `${field}.length`);
      if (length !== 4 * n) c.bad(field, `shape ${brief(shape)} of F32 needs ${4 * n} bytes, length says ${length}`);
      const at = slots.reduce((s, x) => s + x.length, 0);
      if (offset !== at) c.bad(`${field}.offset`, `is ${offset}; arrays tile the data in order, so this one starts at ${at}`);
      if (parent && field.endsWith('.data') && JSON.stringify(parent.shape) !== JSON.stringify(shape)) {
        c.bad(field, `shape ${brief(shape)} differs from its tensor's ${brief(parent.shape)}`);
      }
      slots.push({ shape, offset, length });
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => (isSlot(x) ? c.bad(`${field}[${i}]`, 'arrays may not sit inside lists') : collect(x, `${field}[${i}]`)));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) collect(x, field ? `${field}.${k}` : k, v as Record<string, unknown>);
    }
  };
  collect(r, '');
  const covered = slots.reduce((s, x) => s + x.length, 0);
  if (covered !== dataBytes) c.bad('', `its arrays cover ${covered} of the section's ${dataBytes} data bytes`);

  c.int(r.index, 'index', expectIndex, expectIndex);
  c.int(r.block, 'block', 0, Math.max(0, header.model.layers.length - 1));
  c.kind(r.kind, 'kind');
  c.string(r.name, 'name');
  const T = header.prompt.ids.length;
  c.int(r.T, 'T', T, T);
  for (const field of ['residualNorm', 'contributionNorm']) {
    const d = r[field];
    if (!isSlot(d)) c.bad(field, 'is missing or not an array descriptor');
    if (JSON.stringify((d as Record<string, unknown>).shape) !== JSON.stringify([T])) c.bad(field, `has shape ${brief((d as Record<string, unknown>).shape)}, not [${T}]`);
  }
  c.ints(r.focus, 'focus', 0, T - 1);
  c.number(r.ms, 'ms');
  if (r.notices !== undefined) c.strings(r.notices, 'notices');

  return {
    slots,
    fill(data) {
      let i = 0;
      const build = (v: unknown): unknown => {
        if (isSlot(v)) {
          const s = slots[i++];
          // a copy: the slice is 4-byte aligned, wherever the array sat in the file
          return new Float32Array(data.slice(s.offset, s.offset + s.length).buffer);
        }
        if (Array.isArray(v)) return v.map(build);
        if (v === null || typeof v !== 'object') return v;
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, build(x)]));
      };
      return build(r) as LayerRecord;
    },
  };
}

export function decodeTokens(json: unknown, file: string): RunToken[] {
  const c = new Check(file, 'tokens');
  checkTree(c, json);
  return c.array(json, '').map((t, i) => {
    const tok = c.object(t, `[${i}]`);
    c.int(tok.step, `[${i}].step`, i, i);
    c.int(tok.id, `[${i}].id`);
    c.string(tok.text, `[${i}].text`);
    c.number(tok.logprob, `[${i}].logprob`);
    c.array(tok.top, `[${i}].top`).forEach((a, j) => {
      const alt = c.object(a, `[${i}].top[${j}]`);
      c.int(alt.id, `[${i}].top[${j}].id`);
      c.number(alt.logprob, `[${i}].top[${j}].logprob`);
      c.string(alt.text, `[${i}].top[${j}].text`);
    });
    return tok as unknown as RunToken;
  });
}

const STATUSES = ['complete', 'cancelled', 'superseded'];

export function decodeSummary(json: unknown, file: string): RunSummary {
  const c = new Check(file, 'summary');
  checkTree(c, json);
  const s = c.object(json, '');
  if (!STATUSES.includes(s.status as string)) c.bad('status', `is ${brief(s.status)}, not one of ${STATUSES.join(', ')}`);
  c.string(s.layout, 'layout');
  c.ints(s.blocks, 'blocks');
  c.int(s.promptTokens, 'promptTokens', 1);
  c.ints(s.generatedIds, 'generatedIds');
  c.string(s.generatedText, 'generatedText');
  if (!/^[0-9a-f]{16}$/.test(String(s.recordsDigest))) c.bad('recordsDigest', `is ${brief(s.recordsDigest)}, not 16 hex digits`);
  c.number(s.captureBytes, 'captureBytes');
  const t = c.object(s.timings, 'timings');
  for (const k of ['firstLayerMs', 'prefillMs', 'msPerToken']) c.number(t[k], `timings.${k}`);
  if (s.expected !== undefined) c.string(s.expected, 'expected');
  if (s.exact !== undefined && typeof s.exact !== 'boolean') c.bad('exact', `is ${brief(s.exact)}, not true or false`);
  if (s.digitAccuracy !== undefined) c.number(s.digitAccuracy, 'digitAccuracy');
  return s as unknown as RunSummary;
}
