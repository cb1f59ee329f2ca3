// Parity with Hugging Face transformers (float64 reference) on every fixture folder made by
// training/make_fixtures.py: logits, every hidden state, every attention map and final SSM state
// within 1e-4 relative error (‖out − ref‖ / ‖ref‖), through the sequence path and the step path,
// and the greedy continuation identical. Nothing is skipped: every reference tensor must be matched.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { nodeFolderSource } from '../cli/node-files';
import { forward, initModelState } from '../forward';
import { generateGreedy, step } from '../generate';
import { loadModel } from '../io/checkpoint';
import type { SafetensorsHeader } from '../io/safetensors';
import { decodeTensor, parseHeader } from '../io/safetensors';
import type { KernelBackend } from '../kernels/backend';
import { referenceBackend, useBackend } from '../kernels/backend';
import { createWasmBackend } from '../kernels/wasm/backend';
import type { Tensor } from '../tensor';

const ROOT = join(__dirname, 'fixtures');
const TOL = 1e-4;
/** Every kernel backend this runtime has is held to the same tolerance; the wasm one twice: as the
 *  bundled models run (small matrices packed as float32) and with every matrix read as stored, in
 *  its checkpoint's precision, from the wasm memory (as large models run). */
const wasm = createWasmBackend();
const wasmStored = createWasmBackend({ smallMatrixWeights: 0 });
const backends: KernelBackend[] = [
  referenceBackend,
  ...(wasm ? [wasm] : []),
  ...(wasmStored ? [{ ...wasmStored, name: `${wasmStored.name} (stored)` }] : []),
];
const cases = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory()).sort() : [];

function relErr(out: Float32Array, ref: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) { num += (out[i] - ref[i]) ** 2; den += ref[i] ** 2; }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

function readSafetensors(file: string): { header: SafetensorsHeader; get(name: string): Tensor } {
  const bytes = new Uint8Array(readFileSync(file));
  const header = parseHeader(bytes, file);
  return {
    header,
    get(name) {
      const e = header.tensors.get(name)!;
      return { dtype: 'f32', shape: e.shape, data: decodeTensor(header, e, bytes) };
    },
  };
}

/** Worst relative error per tensor kind per fixture, printed at the end for the report. */
const summary: Record<string, Record<string, number>> = {};
let backendName = referenceBackend.name;
function note(fixture: string, kind: string, err: number): void {
  const key = `${fixture} (${backendName})`;
  summary[key] ??= {};
  summary[key][kind] = Math.max(summary[key][kind] ?? 0, err);
}
afterAll(() => {
  useBackend(referenceBackend);
  if (cases.length) console.log(`parity (max relative error per kind):\n${JSON.stringify(summary, (_k, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v), 1)}`);
});

describe('parity with transformers', () => {
  it('has reference fixtures to test against', () => {
    expect(cases.length, `no fixture folders in ${ROOT}: run python3 training/make_fixtures.py --out engine/test/fixtures`).toBeGreaterThan(0);
  });

  describe.each(backends.flatMap((b) => cases.map((c) => [c, b.name] as const)))('%s on %s', (name, backendLabel) => {
    const backend = backends.find((b) => b.name === backendLabel)!;
    beforeAll(() => {
      useBackend(backend);
      backendName = backend.name;
    });
    afterAll(() => useBackend(referenceBackend));
    const dir = join(ROOT, name);
    const ids: number[] = JSON.parse(readFileSync(join(dir, 'input_ids.json'), 'utf8'));
    const ref = () => readSafetensors(join(dir, 'reference.safetensors'));

    it('matches logits, every hidden state, attention map and final SSM state (sequence path)', async () => {
      const model = await loadModel(nodeFolderSource(dir));
      const r = forward(model, ids, undefined, { outputs: { hidden: true, attentions: true, ssmStates: true } });
      const reference = ref();
      const ours: Record<string, Tensor> = { logits: r.logits };
      r.hiddenStates!.forEach((h, i) => (ours[`hidden_states.${i}`] = h));
      for (const [b, t] of Object.entries(r.attentions!)) ours[`attentions.${b}`] = t;
      for (const [b, t] of Object.entries(r.ssmStates!)) ours[`ssm_states.${b}`] = t;
      const refNames = [...reference.header.tensors.keys()].sort();
      const unmatched = refNames.filter((n) => !ours[n]);
      expect(unmatched, 'reference tensors the engine did not produce').toEqual([]);
      const extraHidden = Object.keys(ours).filter((n) => n.startsWith('hidden_states.') && !reference.header.tensors.has(n));
      expect(extraHidden, 'hidden states the reference does not have').toEqual([]);
      for (const n of refNames) {
        const want = reference.get(n);
        expect(ours[n].shape, n).toEqual(want.shape);
        const err = relErr(ours[n].data, want.data);
        note(name, n.split('.')[0], err);
        expect(err, n).toBeLessThanOrEqual(TOL);
      }
    });

    it('matches the reference logits token by token through the caches (step path)', async () => {
      const model = await loadModel(nodeFolderSource(dir));
      const logits = ref().get('logits');
      const V = logits.shape[1];
      const state = initModelState(model);
      ids.forEach((id, t) => {
        const err = relErr(step(model, state, id), logits.data.subarray(t * V, (t + 1) * V));
        note(name, 'step_logits', err);
        expect(err, `token ${t}`).toBeLessThanOrEqual(TOL);
      });
    });

    it('reproduces the greedy continuation with caches', async () => {
      const model = await loadModel(nodeFolderSource(dir));
      const gen = JSON.parse(readFileSync(join(dir, 'generated.json'), 'utf8')) as { prompt: number[]; ids: number[]; max_new_tokens: number };
      expect(generateGreedy(model, gen.prompt, gen.max_new_tokens).ids).toEqual(gen.ids);
    });
  });

  it.runIf(cases.length > 0)('CLI forward on a fixture writes what the reference holds', async () => {
    const name = cases.find((c) => c.startsWith('nemotron_h_hybrid')) ?? cases[0];
    const dir = join(ROOT, name);
    const out = join(await mkdtemp(join(tmpdir(), 'hs-parity-')), 'out.safetensors');
    let err = '';
    const code = await main(['forward', dir, '--ids', join(dir, 'input_ids.json'), '--out', out], { stdout: () => {}, stderr: (t) => (err += t) });
    expect(code, err).toBe(0);
    const ours = readSafetensors(out);
    const reference = ref(dir);
    for (const n of reference.header.tensors.keys()) {
      expect(ours.header.tensors.get(n)?.dtype, n).toBe('F32');
      expect(relErr(ours.get(n).data, reference.get(n).data), n).toBeLessThanOrEqual(TOL);
    }
    function ref(d: string) { return readSafetensors(join(d, 'reference.safetensors')); }
  });
});
