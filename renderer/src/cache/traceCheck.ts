// What the views index in a trace's records, checked before a record reaches the run cache. The
// trace reader (engine/trace/read.ts) checks the file's structure and that every array's bytes match
// its own shape; it does not check that shapes agree with the counts the views loop over (H heads, R
// focus rows, T tokens, E entries). A hostile trace could otherwise make a chart read past an array.
import type { LayerRecord, Tensor } from '../../../app/protocol';
import { FORMATS, VARIANTS, kindHas, type PhonebookFormat, type PhonebookVariant, type TraceHeader } from '../../../engine';
import { clampSpec, defaultControls, type PhonebookControls } from '../store/promptSlice';

/** Throws one line naming the record and the field when a record disagrees with itself or the header. */
export function checkTraceRecord(rec: LayerRecord, header: TraceHeader): void {
  const at = `layer ${rec.index}`;
  const fail = (field: string, problem: string): never => { throw new Error(`${at}: ${field} ${problem}`); };
  const T = header.prompt.ids.length;
  const R = rec.focus.length;
  const E = header.prompt.phonebook?.entries.length;
  const want = header.blocks[rec.index];
  if (rec.block !== want) fail('block', `is ${rec.block}, but the header runs block ${want} there`);
  const kind = header.model.layers[rec.block]?.kind;
  if (rec.kind !== kind) fail('kind', `is ${rec.kind}, but block ${rec.block} is ${kind}`);
  const shape = (t: Tensor | undefined, field: string, dims: (number | undefined)[]) => {
    if (!t) return;
    const ok = t.shape.length === dims.length && dims.every((d, i) => d === undefined || t.shape[i] === d);
    if (!ok) fail(field, `has shape [${t.shape.join(', ')}], expected [${dims.map((d) => d ?? '·').join(', ')}]`);
  };
  const count = (n: unknown, field: string) => {
    if (!Number.isSafeInteger(n) || (n as number) < 1) fail(field, `is ${String(n)}, not a positive count`);
    return n as number;
  };
  const a = rec.attention;
  if (a) {
    if (!kindHas(rec.kind, 'attention')) fail('attention', `on a ${rec.kind} block`);
    const H = count(a.H, 'attention.H');
    shape(a.focusProbs, 'attention.focusProbs', [H, R, T]);
    if (a.pooled) {
      const stride = count(a.pooledStride, 'attention.pooledStride');
      const S = Math.ceil(T / stride);
      shape(a.pooled, 'attention.pooled', [H, S, S]);
    }
    shape(a.entryMass, 'attention.entryMass', [H, R, E]);
  }
  const s = rec.ssm;
  if (s) {
    if (!kindHas(rec.kind, s.variant)) fail('ssm.variant', `is ${s.variant} on a ${rec.kind} block`);
    const H = count(s.H, 'ssm.H');
    for (const f of ['dt', 'stateNorm', 'decay'] as const) shape(s[f], `ssm.${f}`, [H, T]);
    shape(s.implicitRows, 'ssm.implicitRows', [H, R, T]);
    shape(s.entryMass, 'ssm.entryMass', [H, R, E]);
    if (!Array.isArray(s.statePositions) || s.statePositions.some((p) => !Number.isSafeInteger(p) || p < 0 || p >= T)) {
      fail('ssm.statePositions', `must be token positions below ${T}`);
    }
    const P = s.statePositions.length;
    if (s.states) shape(s.states, 'ssm.states', s.variant === 'mamba2' ? [P, H, undefined, undefined] : [P, undefined, undefined]);
  }
  const m = rec.moe;
  if (m) {
    if (rec.kind !== 'moe') fail('moe', `on a ${rec.kind} block`);
    const E = count(m.E, 'moe.E');
    const k = count(m.topK, 'moe.topK');
    shape(m.experts, 'moe.experts', [T, k]);
    shape(m.weights, 'moe.weights', [T, k]);
    if (m.experts.data.some((e) => !Number.isInteger(e) || e < 0 || e >= E)) fail('moe.experts', `must be expert indices below ${E}`);
  }
  for (const f of rec.focus) if (f >= T) fail('focus', `position ${f} is past the prompt's ${T} tokens`);
}

/** The header's own agreements the strip relies on: every run block is a checkpoint block. */
export function checkTraceHeader(header: TraceHeader): void {
  const n = header.model.layers.length;
  header.model.layers.forEach((l, i) => { if (l.index !== i) throw new Error(`header: model.layers[${i}] has index ${l.index}`); });
  const bad = header.blocks.find((b) => !Number.isSafeInteger(b) || b < 0 || b >= n);
  if (bad !== undefined) throw new Error(`header: block ${bad} is not one of the model's ${n} blocks`);
  if (header.blocks.length === 0) throw new Error('header: the run has no blocks');
  const T = header.prompt.ids.length;
  const pb = header.prompt.phonebook;
  if (pb && [pb.target, ...(pb.examples ?? [])].some((e) => !Number.isSafeInteger(e) || e < 0 || e >= pb.entries.length)) {
    throw new Error(`header: the phonebook's target or examples are not among its ${pb.entries.length} entries`);
  }
  header.prompt.phonebook?.entries.forEach((e, i) => {
    const [a, b]: unknown[] = Array.isArray(e.tokens) ? e.tokens : [];
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || (a as number) < 0 || (b as number) < (a as number) || (b as number) > T) {
      throw new Error(`header: phonebook entry ${i} has tokens outside the prompt's ${T}`);
    }
  });
}

/** What the prompt controls show while a trace is shown: the generator's options and seed as the
 *  trace's `promptSpec` says them, or its text. A trace without one (an older writer) still shows
 *  what its phonebook tells — entries, format, few-shot, depth — with the controls' own variant and
 *  seed. The header is a file's, so every field is checked; null when nothing fits. */
export type TraceControls = { promptMode: 'phonebook'; spec: PhonebookControls } | { promptMode: 'text'; freeText: string };

export function traceControls(header: TraceHeader, current: PhonebookControls = defaultControls): TraceControls | null {
  const asked = header.promptSpec as unknown as Record<string, unknown> | undefined;
  const pb = header.prompt.phonebook;
  const num = (v: unknown, lo: number, hi: number) => (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined);
  if (asked?.kind === 'text' && typeof asked.text === 'string') return { promptMode: 'text', freeText: asked.text };
  if (!pb) return null;
  const o = (asked?.kind === 'phonebook' && asked.spec !== null && typeof asked.spec === 'object' ? asked.spec : {}) as Record<string, unknown>;
  const seed = asked?.kind === 'phonebook' ? num(asked.seed, 0, Number.MAX_SAFE_INTEGER) : undefined;
  const n = pb.entries.length;
  return {
    promptMode: 'phonebook',
    spec: clampSpec({
      // the book as generated: a token budget picks its own entry count
      entries: n,
      format: FORMATS.includes(o.format as PhonebookFormat) ? (o.format as PhonebookFormat) : pb.expected.includes('-') ? 'question' : 'bare',
      variant: VARIANTS.includes(o.variant as PhonebookVariant) ? (o.variant as PhonebookVariant) : current.variant,
      depth: num(o.depth, 0, 1) ?? (n > 1 ? pb.target / (n - 1) : 0),
      fewShot: num(o.fewShot, 0, 8) ?? pb.examples.length,
      seed: seed ?? current.seed,
    }),
  };
}
