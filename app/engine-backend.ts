// The service's backend over the real engine: checkpoint inspect/load, layout arrangement, prompts
// (text through the model's tokenizer, phonebooks through engine/phonebook), the streaming forward
// pass with probes converted to wire records, and greedy generation continuing from the prefill's
// caches (one `forwardSteps` call per token with the carried state).
import { InputError } from '../engine/errors';
import { forward, forwardSteps, type ForwardResult } from '../engine/forward';
import { choose, step } from '../engine/generate';
import { editLayout } from '../engine/layout';
import { blockCacheBytes } from '../engine/layers/state';
import { inspectCheckpoint, loadModel } from '../engine/io/checkpoint';
import type { Model } from '../engine/model';
import { attentionTile, implicitTile, stateAt } from '../engine/probes/ondemand';
import type { CaptureSpec as EngineCapture, LayerRecord } from '../engine/probes/types';
import type { Tensor } from '../engine/tensor';
import type { Backend, ForwardCapture } from './backend';
import { phonebookPrompt } from './prompt';
import { DEFAULT_CAPTURE, type NDArray, type PromptInfo, type PromptSpec, type TileQuery } from './protocol';
import type { LayerRecordWire } from './records';
import { LIMITS } from './validate';

const nd = (t: Tensor): NDArray => ({ shape: t.shape, data: t.data });

function toWire(r: LayerRecord, capture: ForwardCapture): LayerRecordWire {
  const w: LayerRecordWire = {
    index: r.index, block: r.block, kind: r.kind, name: r.name, residualNorm: r.residualNorm,
    contributionNorm: r.contributionNorm, focus: r.focus, ms: r.ms,
  };
  const a = r.attention;
  if (a && capture.attention) {
    w.attention = { H: a.H, focusProbs: nd(a.focusProbs) };
    if (a.pooled) Object.assign(w.attention, { pooled: nd(a.pooled), pooledStride: a.pooledStride });
    if (a.entryMass) w.attention.entryMass = nd(a.entryMass);
  }
  const s = r.ssm;
  if (s && capture.ssm) {
    w.ssm = {
      variant: s.variant, H: s.H, channelsPerGroup: s.channelsPerGroup, dt: nd(s.dt), stateNorm: nd(s.stateNorm),
      decay: nd(s.decay), statePositions: capture.states ? s.statePositions : [],
    };
    if (s.states && capture.states) w.ssm.states = nd(s.states);
    if (s.implicitRows) w.ssm.implicitRows = nd(s.implicitRows);
    if (s.entryMass) w.ssm.entryMass = nd(s.entryMass);
  }
  const named = Object.entries(r.named);
  if (named.length > 0) w.named = Object.fromEntries(named.map(([k, t]) => [k, nd(t)]));
  if (r.notices.length > 0) w.notices = r.notices;
  return w;
}

/** What the last of `ids` adds to the decoded text. Decoders may merge a token with its neighbours
 *  (spaces, byte pieces), so the piece is the difference of two decodes over a short window of
 *  recent tokens rather than the token alone; the window keeps a long generation linear. */
function newText(m: Model, ids: number[]): string {
  if (!m.tokenizer) return `${ids.length > 1 ? ' ' : ''}${ids[ids.length - 1]}`;
  const tok = m.tokenizer;
  const decode = (part: number[]) => (part.length > 0 ? tok.decode(part) : ''); // decode([]) throws
  const from = Math.max(0, ids.length - 8);
  const before = decode(ids.slice(from, -1));
  const after = decode(ids.slice(from));
  return after.startsWith(before) ? after.slice(before.length) : decode(ids).slice(decode(ids.slice(0, -1)).length);
}

/** A tile of a map at most `size` cells a side: computed a band of rows at a time and max-pooled
 *  (by magnitude, keeping the sign) so a 4k × 4k range never exists at full resolution at once. */
function pooledTile(result: ForwardResult, q: TileQuery): { tile: NDArray; stride: [number, number] } {
  const [r0, r1] = q.rows, [c0, c1] = q.cols;
  const sr = Math.ceil((r1 - r0) / q.size), sc = Math.ceil((c1 - c0) / q.size);
  const R = Math.ceil((r1 - r0) / sr), C = Math.ceil((c1 - c0) / sc);
  const out = new Float32Array(R * C); // (R, C)
  const compute = q.map === 'attention' ? attentionTile : implicitTile;
  for (let band = 0; band < R; band++) {
    const rows: [number, number] = [r0 + band * sr, Math.min(r1, r0 + (band + 1) * sr)];
    const t = compute(result.context, { layer: q.layer, head: q.head, rows, cols: q.cols }).data; // (rows, c1 - c0)
    const width = c1 - c0;
    for (let i = 0; i < rows[1] - rows[0]; i++) {
      for (let j = 0; j < width; j++) {
        const v = t[i * width + j];
        const cell = band * C + Math.floor(j / sc);
        if (Math.abs(v) > Math.abs(out[cell])) out[cell] = v;
      }
    }
  }
  return { tile: { shape: [R, C], data: out }, stride: [sr, sc] };
}

function textPrompt(model: Model, spec: Exclude<PromptSpec, { kind: 'phonebook' }>): PromptInfo {
  const V = model.embeddings.V;
  if (spec.kind === 'ids') {
    const bad = spec.ids.find((id) => id >= V);
    if (bad !== undefined) throw new InputError(`token id ${bad} is outside the vocabulary 0..${V - 1}`);
    const ids = Int32Array.from(spec.ids);
    return { ids, tokens: spec.ids.map((id) => model.tokenizer?.idToToken(id) ?? String(id)), focus: [ids.length - 1] };
  }
  if (!model.tokenizer) throw new InputError('this model has no tokenizer.json: give token ids instead of text');
  const enc = model.tokenizer.encode(spec.text);
  if (enc.ids.length === 0) throw new InputError('the prompt has no tokens');
  // The validator caps id prompts; a text prompt is capped the same once tokenized.
  if (enc.ids.length > LIMITS.promptIds) throw new InputError(`the prompt has ${enc.ids.length} tokens; at most ${LIMITS.promptIds} can be run`);
  const tokens = enc.offsets.map(([a, b]) => spec.text.slice(a, b));
  return { ids: Int32Array.from(enc.ids), tokens, focus: [enc.ids.length - 1] };
}

export const engineBackend: Backend<Model> = {
  inspect: inspectCheckpoint,
  load: loadModel,
  kinds: (m) => m.original.map((b) => b.kind),
  vocabSize: (m) => m.embeddings.V,
  hasTokenizer: (m) => m.tokenizer !== undefined,
  cacheBytes: (m) => m.original.map(blockCacheBytes),
  tokenizer: (m) => m.tokenizer,
  arrange(m, blocks) {
    return editLayout(m, blocks);
  },
  prompt(m, spec) {
    if (spec.kind !== 'phonebook') return textPrompt(m, spec);
    if (!m.tokenizer) throw new InputError('phonebook prompts need the model\'s tokenizer.json');
    return phonebookPrompt(m.tokenizer, spec.spec, spec.seed);
  },
  *forward(m, ids, capture) {
    const spec: EngineCapture = {
      defaults: capture.attention || capture.ssm, focus: capture.focus, entries: capture.entrySpans,
      pooledSize: capture.pooledSize, budgetBytes: capture.budgetBytes, keepContext: true,
    };
    const steps = forwardSteps(m, ids, spec, { lastLogitsOnly: true });
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      yield toWire(next.value, capture);
    }
  },
  *generate(m, ids, prefilled, maxNew, topK, stopAtNewline) {
    if (maxNew === 0) return;
    const start = (prefilled as ForwardResult | undefined) ?? forward(m, ids, undefined, { lastLogitsOnly: true });
    let logits = start.logits.data.subarray(start.logits.data.length - m.embeddings.V);
    const decoded: number[] = [];
    let text = '';
    const name = (id: number) => m.tokenizer?.idToToken(id) ?? String(id);
    for (let n = 0; n < maxNew; n++) {
      const choice = choose(logits, Math.max(1, topK));
      const { id, logprob } = choice;
      const top = choice.top.slice(0, topK).map((c) => ({ id: c.id, logprob: c.logprob, text: name(c.id) }));
      decoded.push(id);
      const piece = newText(m, decoded);
      text += piece;
      yield { id, text: piece, logprob, top };
      if (stopAtNewline && piece.includes('\n') && text.trim().length > 0) return;
      if (n + 1 < maxNew) logits = step(m, start.state, id);
    }
  },
  warmUp(m) {
    const T = Math.min(16, m.embeddings.V);
    const ids = Int32Array.from({ length: T }, (_, i) => i % m.embeddings.V);
    const capture = { ...DEFAULT_CAPTURE, focus: [T - 1], entrySpans: [[0, 4], [4, 8]] as [number, number][] };
    const steps = engineBackend.forward(m, ids, capture);
    let r = steps.next();
    while (!r.done) r = steps.next();
    const tokens = engineBackend.generate(m, ids, r.value, 2, 1, false);
    while (!tokens.next().done) { /* decode two tokens */ }
  },
  tile: (_m, prefilled, query) => pooledTile(prefilled as ForwardResult, query),
  stateAt: (m, prefilled, layer, position) => nd(stateAt(m, (prefilled as ForwardResult).context.ids, layer, position)),
};
