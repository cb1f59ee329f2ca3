// Trace files under attack: a valid trace cut at every byte (every section boundary and mid-array),
// byte mutations, wrong magic and versions, section lengths beyond the file or 2^53 and more, JSON
// claims over the cap, field mutations of the header and of layer records (absurd, negative,
// fractional and overflowing shapes, arrays outside the data, wrong dtypes), and sections out of
// order, repeated or missing. Every input must be read whole (records, tokens, summary) or refused
// with one line naming the file.
import fc from 'fast-check';
import { CheckpointError } from '../../errors';
import { memorySource } from '../../io/files';
import { parsePythonJson } from '../../io/json';
import { utf8Decode } from '../../io/text';
import type { LayerRecord } from '../../records';
import type { RunSummary } from '../../run';
import { encodePreamble, encodeSection, SECTION_HEAD_BYTES, type SectionTag } from '../../trace/format';
import { readTrace } from '../../trace/read';
import { traceWriter, type TraceHeader } from '../../trace/write';
import { attempt, newStats, show, type Expectation, type KindStats } from './harness';
import { applyBytes, applyFields, byteMutations, draw, fieldMutations, hostileLength, hostileValue, pythonJson } from './mutate';

const FILE = 'hostile/run.hstrace';
export const traceExpect: Expectation = { classes: [CheckpointError], names: (m) => m.startsWith(`${FILE}: `) };

const T = 6;
const f32 = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 3);

/** A small valid trace: two blocks (one with attention, one with SSM states and a named capture). */
export async function validTrace(): Promise<Uint8Array> {
  const header: TraceHeader = {
    producer: 'campaign',
    model: { name: 'tiny', model_type: 'nemotron_h', vocab_size: 32, layers: [{ index: 0, kind: 'attention' }, { index: 1, kind: 'mamba2' }] },
    layout: '*M', blocks: [0, 1],
    prompt: { ids: Int32Array.from([1, 4, 9, 16, 25, 30]), tokens: ['a', 'b', 'c', 'd', 'e', 'f'], focus: [2, 5], phonebook: { entries: [{ name: 'A B', number: '123', tokens: [0, 3] }], target: 0, examples: [], expected: '123' } },
    capture: { attention: true }, maxNewTokens: 2, topK: 1,
  };
  const records: LayerRecord[] = [
    {
      index: 0, block: 0, kind: 'attention', name: 'layers.0.mixer', T, residualNorm: f32(T, 1), contributionNorm: f32(T, 2), focus: [2, 5],
      attention: { H: 2, focusProbs: { dtype: 'f32', shape: [2, 2, T], data: f32(24, 3) }, pooledStride: 2, pooled: { dtype: 'f32', shape: [2, 3, 3], data: f32(18, 4) } }, ms: 1.5,
    },
    {
      index: 1, block: 1, kind: 'mamba2', name: 'layers.1.mixer', T, residualNorm: f32(T, 5), contributionNorm: f32(T, 6), focus: [2, 5],
      ssm: { variant: 'mamba2', H: 2, channelsPerGroup: 1, dt: { dtype: 'f32', shape: [2, T], data: f32(12, 7) }, states: { dtype: 'f32', shape: [2, 2, 2, 2], data: f32(16, 8) }, statePositions: [2, 5] },
      named: { 'layers.1.mixer.ssm_state': { dtype: 'f32', shape: [2, 2], data: f32(4, 9) } }, notices: ['kept'], ms: 2,
    },
  ];
  const summary: RunSummary = {
    status: 'complete', layout: '*M', blocks: [0, 1], promptTokens: T, generatedIds: [3, 4], generatedText: ' 12', expected: '123', exact: false, digitAccuracy: 0.5,
    retrieved: null, recordsDigest: '0123456789abcdef', captureBytes: 400, timings: { firstLayerMs: 1, prefillMs: 3, msPerToken: 0.5 },
  };
  const chunks: Uint8Array[] = [];
  const w = traceWriter((c) => void chunks.push(c.slice()));
  await w.header(header);
  for (const r of records) await w.layer(r);
  w.token({ step: 0, id: 3, text: ' 1', logprob: -0.1, top: [{ id: 3, logprob: -0.1, text: '1' }] });
  w.token({ step: 1, id: 4, text: '2', logprob: -Infinity, top: [] });
  await w.finish(summary);
  return join(chunks);
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

interface Section { tag: SectionTag; json: string; data: Uint8Array }

/** The sections of a valid trace, to be edited and put back together. */
function split(bytes: Uint8Array): Section[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const out: Section[] = [];
  for (let at = 16; at < bytes.length;) {
    const j = view.getUint32(at + 4, true);
    const b = view.getUint32(at + 8, true);
    const start = at + SECTION_HEAD_BYTES;
    out.push({ tag: String.fromCharCode(...bytes.subarray(at, at + 4)) as SectionTag, json: utf8Decode(bytes.subarray(start, start + j)), data: bytes.slice(start + j, start + j + b) });
    at = start + j + b;
  }
  return out;
}

const assemble = (sections: Section[], preamble = encodePreamble()) => join([preamble, ...sections.flatMap((s) => [encodeSection(s.tag, s.json, s.data.length), s.data])]);

const readAll = (bytes: Uint8Array) => readTrace(memorySource('hostile', { 'run.hstrace': bytes }), 'run.hstrace');

/** Shapes that must never reach an allocation. */
const HOSTILE_SHAPES = [[-1], [1.5], [2 ** 31, 2 ** 31], [1e300], [2 ** 53], [65536, 65536, 65536, 65536], [1, 1, 1, 1, 1, 1, 1, 1, 1], [], [0], ['6'], [NaN], [T, 1, -0.5]];

export async function traceCampaign(seed: number, scale = 1): Promise<KindStats[]> {
  const cuts = newStats('trace: truncations');
  const bytesStats = newStats('trace: bytes');
  const framing = newStats('trace: sections');
  const fields = newStats('trace: JSON fields');
  // Hand-picked attacks, each of which must be refused (the drawn ones above may be harmless).
  const named = newStats('trace: named attacks');
  const base = await validTrace();
  const parts = split(base);

  // Cut at every byte: every section boundary, every head, every array's middle.
  for (let n = 0; n < base.length; n++) {
    const cut = base.subarray(0, n);
    await attempt(cuts, () => `the first ${n} of ${base.length} bytes`, () => readAll(cut), traceExpect);
  }
  for (const ops of draw(byteMutations(base.length), Math.round(1500 * scale), seed)) {
    const b = applyBytes(base, ops);
    await attempt(bytesStats, () => `${show(ops)} → ${show(b)}`, () => readAll(b), traceExpect);
  }

  // Preambles: wrong magic, future and past versions, other record versions.
  for (const [at, value] of [[0, 0x58], [7, 0x41], [8, 0], [8, 2], [8, 255], [11, 1], [12, 0], [12, 2], [15, 1]]) {
    const p = encodePreamble();
    p[at] = value;
    const b = assemble(parts, p);
    await attempt(named, () => `preamble byte ${at} = ${value}`, () => readAll(b), traceExpect);
  }
  // Section heads: JSON and data lengths beyond the file, over the caps, 2^53 and more.
  const heads: number[] = [];
  for (let at = 16, i = 0; i < parts.length; i++) {
    heads.push(at);
    at += encodeSection(parts[i].tag, parts[i].json, 0).length + parts[i].data.length;
  }
  for (const [k, len] of draw(fc.tuple(fc.nat({ max: heads.length - 1 }), hostileLength(base.length)), Math.round(600 * scale), seed + 1)) {
    const b = base.slice();
    const view = new DataView(b.buffer);
    if (len % 2n === 0n) view.setBigUint64(heads[k] + 8, len, true);
    else view.setUint32(heads[k] + 4, Number(len % 2n ** 32n), true);
    await attempt(framing, () => `section ${k} length ${len}`, () => readAll(b), traceExpect);
  }
  // Sections out of order, repeated, missing, unknown, or trailing bytes.
  const orders: Section[][] = [
    [parts[0], parts[2], parts[1], ...parts.slice(3)], [parts[0], parts[1], parts[1], ...parts.slice(2)], [parts[1], ...parts.slice(1)],
    parts.slice(1), parts.slice(0, -1), [...parts, parts[parts.length - 1]], [parts[0], ...parts.slice(3)].slice(0, -1),
    [parts[0], { ...parts[1], tag: 'XXXX' as SectionTag }, ...parts.slice(2)], [{ ...parts[0], data: new Uint8Array(8) }, ...parts.slice(1)],
  ];
  for (const o of orders) {
    const b = assemble(o);
    await attempt(named, () => o.map((s) => s.tag).join(','), () => readAll(b), traceExpect);
  }
  const trailing = join([base, new Uint8Array(3)]);
  await attempt(named, () => 'three bytes after the summary', () => readAll(trailing), traceExpect);

  // Field mutations of every section's JSON, and shapes that no product check may overflow.
  for (const [k, ops] of draw(fc.tuple(fc.nat({ max: parts.length - 1 }), fieldMutations()), Math.round(2500 * scale), seed + 2)) {
    const edited = parts.map((s, i) => (i === k ? { ...s, json: pythonJson(applyFields(parsePythonJson(s.json, FILE), ops)) } : s));
    const b = assemble(edited);
    await attempt(fields, () => `${parts[k].tag}: ${show(ops)}`, () => readAll(b), traceExpect);
  }
  const layer = JSON.parse(parts[1].json) as { attention: { focusProbs: { data: Record<string, unknown> } } };
  const swaps: [string, unknown][] = [
    ...HOSTILE_SHAPES.map((s): [string, unknown] => ['shape', s]),
    ['offset', 1e15], ['offset', -4], ['offset', 2 ** 53], ['length', 2 ** 53 + 8], ['length', -96], ['dtype', 'F16'], ['dtype', 'f32'], ['extra', 1],
  ];
  const drawn = draw(fc.tuple(fc.constantFrom('shape', 'offset', 'length', 'dtype'), hostileValue()), Math.round(300 * scale), seed + 3);
  for (const [i, [key, value]] of [...swaps, ...drawn].entries()) {
    const edited = structuredClone(layer);
    edited.attention.focusProbs.data[key] = value;
    const b = assemble([parts[0], { ...parts[1], json: JSON.stringify(edited) }, ...parts.slice(2)]);
    await attempt(i < swaps.length ? named : fields, () => `focusProbs.data.${key} = ${show(value)}`, () => readAll(b), traceExpect);
  }
  const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  const huge = 'x'.repeat(70 * 2 ** 20);
  for (const [what, json] of [['5000 nested lists', deep], ['__proto__ key', '{"__proto__":{"index":0}}'], ['a 70 MiB JSON string', JSON.stringify(huge)], ['not JSON', '{"index":']]) {
    const b = assemble([parts[0], { ...parts[1], json }, ...parts.slice(2)]);
    await attempt(named, () => what, () => readAll(b), traceExpect);
  }
  return [cuts, bytesStats, framing, fields, named];
}
