// App-level inputs that arrive as data: experiment files (truncated, foreign JSON, wrong schema
// version, mutated valid files) and protocol requests checked by the validator (random values and
// mutated valid requests, including strings with newlines and quotes that end up in messages).
import fc from 'fast-check';
import { attemptSync, newStats, show, type Expectation, type KindStats } from '../../../engine/test/reliability/harness';
import { applyBytes, applyFields, byteMutations, draw, fieldMutations, hostileValue, pythonJson } from '../../../engine/test/reliability/mutate';
import { ExperimentError, makeExperiment, parseExperiment, serializeExperiment, type Experiment } from '../../experiment';
import { PROTOCOL_VERSION, type ModelSummary, type Request, type RunSpec, type RunSummary } from '../../protocol';
import { DEFAULT_CAPTURE } from '../../../engine/run';
import { ProtocolError, validateRequest } from '../../validate';
import { LayoutError } from '../../../engine/errors';
import { parseLayout, type BlockKind } from '../../../engine/layout';

const FILE = 'hostile.hybridscope.json';
const experimentExpect: Expectation = { classes: [ExperimentError], names: (m) => m.startsWith(`${FILE}: `) };
/** Validator messages start with the field path (`spec.prompt.spec.depth: …`), or `message:` for the whole. */
const protocolExpect: Expectation = { classes: [ProtocolError], names: (m) => /^[A-Za-z][\w.[\]]*: \S/.test(m) };

export const VALID_RUN: RunSpec = {
  prompt: { kind: 'phonebook', seed: 7, spec: { entries: 6, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } },
  layout: 'M-M*-', capture: DEFAULT_CAPTURE, maxNewTokens: 4, topK: 2,
};

export function validExperiment(): Experiment {
  const model: ModelSummary = {
    ref: { kind: 'bundled', id: 'tiny' }, name: 'tiny', modelType: 'nemotron_h', layout: 'M-M*-',
    layers: [], parameters: 1000, vocabSize: 268, hasTokenizer: true, contentHash: 'a'.repeat(64), loaded: true, warnings: [],
  };
  const summary: RunSummary = {
    status: 'complete', layout: 'M-M*-', blocks: [0, 1, 2, 3, 4], promptTokens: 40, generatedIds: [5, 6], generatedText: ' 61',
    expected: '6125550123', exact: false, digitAccuracy: 0.2, recordsDigest: 'abc', captureBytes: 10,
    timings: { firstLayerMs: 1, prefillMs: 2, msPerToken: 3 },
  };
  return makeExperiment(model, VALID_RUN, summary, '2026-11-28T21:00:00Z', 'a note');
}

export const VALID_REQUESTS: Request[] = [
  { type: 'model/list', v: PROTOCOL_VERSION, reqId: 1 },
  { type: 'model/open', v: PROTOCOL_VERSION, reqId: 2, source: { kind: 'bundled', id: 'tiny' } },
  { type: 'model/open', v: PROTOCOL_VERSION, reqId: 3, source: { kind: 'folder', token: 'granted' } },
  { type: 'run/start', v: PROTOCOL_VERSION, reqId: 4, runId: 1, spec: VALID_RUN },
  { type: 'run/start', v: PROTOCOL_VERSION, reqId: 5, runId: 1, spec: { ...VALID_RUN, prompt: { kind: 'text', text: 'Ada Lovelace: 6125550123\nAda Lovelace:' }, layout: 'MM0-4' } },
  { type: 'run/start', v: PROTOCOL_VERSION, reqId: 6, runId: 1, spec: { ...VALID_RUN, prompt: { kind: 'ids', ids: [4, 5, 6, 7] } } },
  { type: 'run/cancel', v: PROTOCOL_VERSION, reqId: 7, runId: 1 },
  { type: 'tile/get', v: PROTOCOL_VERSION, reqId: 8, runId: 1, layer: 3, map: 'attention', head: 0, rows: [0, 8], cols: [0, 8], size: 8 },
  { type: 'tile/get', v: PROTOCOL_VERSION, reqId: 9, runId: 1, layer: 0, map: 'implicit', head: 1, rows: [0, 8], cols: [0, 8], size: 4 },
  { type: 'state/get', v: PROTOCOL_VERSION, reqId: 10, runId: 1, layer: 0, position: 3 },
  {
    type: 'sweep/start', v: PROTOCOL_VERSION, reqId: 11, sweepId: 1,
    spec: { layouts: ['M-M*-'], entries: [3], depths: [0.5], variant: 'standard', format: 'bare', fewShot: 0, samples: 1, seed: 3 },
  },
  { type: 'sweep/cancel', v: PROTOCOL_VERSION, reqId: 12, sweepId: 1 },
];

/** A mutated valid request or a random value: what a confused or hostile page could post. */
export function hostileRequests(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat(), fieldMutations()).map(([k, ops]) => applyFields(VALID_REQUESTS[k % VALID_REQUESTS.length], ops)) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.record({ type: fc.oneof(fc.constantFrom(...VALID_REQUESTS.map((r) => r.type)), hostileValue()), v: fc.oneof(fc.constant(PROTOCOL_VERSION), hostileValue()), reqId: fc.oneof(fc.nat(), hostileValue()) }) },
  );
}

export function filesCampaign(seed: number, scale = 1): KindStats[] {
  const fields = newStats('experiment: fields');
  const bytes = newStats('experiment: text');
  const requests = newStats('protocol: validator');
  const base = validExperiment();
  for (const ops of draw(fieldMutations(), Math.round(1200 * scale), seed)) {
    const mutated = applyFields(base, ops);
    const text = pythonJson(mutated);
    attemptSync(fields, () => text.slice(0, 200), () => parseExperiment(text, FILE), experimentExpect);
  }
  const text = serializeExperiment(base);
  const foreign = fc.oneof(
    fc.constant(''), fc.constant('   \n'), fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 }),
    fc.integer().map((v) => text.replace('"schemaVersion": 1', `"schemaVersion": ${v}`)),
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
  );
  const enc = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const inputs = fc.oneof(foreign, byteMutations(enc.length).map((ops) => dec.decode(applyBytes(enc, ops))));
  for (const t of draw(inputs, Math.round(900 * scale), seed + 1)) {
    attemptSync(bytes, () => show(t), () => parseExperiment(t, FILE), experimentExpect);
  }
  for (const r of draw(hostileRequests(), Math.round(2500 * scale), seed + 2)) {
    attemptSync(requests, () => show(r), () => validateRequest(r), protocolExpect);
  }
  // Layouts the validator lets through (block chars, each with or without an index) against
  // checkpoints that cannot run them: the service's resolver must refuse with a LayoutError.
  const layouts = newStats('layout: service resolver');
  const kinds = fc.array(fc.constantFrom<BlockKind>('mamba1', 'mamba2', 'attention', 'mlp', 'moe', 'parallel'), { minLength: 1, maxLength: 8 });
  const layout = fc.oneof(
    fc.string({ unit: fc.constantFrom('m', 'M', '*', '-', 'E', 'P'), maxLength: 12 }),
    fc.array(fc.tuple(fc.constantFrom('m', 'M', '*', '-', 'E', 'P'), fc.oneof(fc.constant(''), fc.nat(12).map(String))), { maxLength: 12 }).map((t) => t.flat().join('')),
  );
  for (const [k, l] of draw(fc.tuple(kinds, layout), Math.round(1000 * scale), seed + 3)) {
    attemptSync(layouts, () => `${show(l)} over ${k.join(',')}`, () => parseLayout(k, l), { classes: [LayoutError], names: (m) => m.startsWith('layout ') });
  }
  return [fields, bytes, requests, layouts];
}
