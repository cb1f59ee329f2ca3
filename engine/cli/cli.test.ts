import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { forward } from '../forward';
import { generateGreedy } from '../generate';
import { loadModel } from '../io/checkpoint';
import { decodeTensor, parseHeader } from '../io/safetensors';
import { tinyCheckpoint } from '../test/tiny';
import { kernels, referenceBackend, useBackend } from '../kernels/backend';
import { main } from './main';

async function writeTiny(type: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hs-${type}-`));
  const src = tinyCheckpoint(type, { seed: 2 });
  for (const f of ['config.json', 'model.safetensors']) await writeFile(join(dir, f), await src.read(f));
  return dir;
}

async function run(argv: string[]) {
  let stdout = '', stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin: async () => new TextEncoder().encode('[1, 2') }, undefined, { fastKernels: false });
  return { code, stdout, stderr };
}

describe('hybridscope CLI', () => {
  let hybrid: string, llama: string, work: string;
  beforeAll(async () => {
    hybrid = await writeTiny('nemotron_h');
    llama = await writeTiny('llama');
    work = await mkdtemp(join(tmpdir(), 'hs-work-'));
    await writeFile(join(work, 'ids.json'), JSON.stringify([1, 5, 2, 7, 3, 3, 9]));
  });

  it('info --json prints layout, layers, parameters and vocab', async () => {
    const r = await run(['info', hybrid, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(Object.keys(info)).toEqual(['model_type', 'layout', 'layers', 'parameters', 'vocab_size']);
    expect(info.layout).toBe('M-M*-M');
    expect(info.layers[3]).toEqual({ index: 3, kind: 'attention' });
  });

  it('forward --out writes logits, hidden states, attentions and SSM states as the engine computes them', async () => {
    for (const dir of [hybrid, llama]) {
      const out = join(work, 'out.safetensors');
      const r = await run(['forward', dir, '--ids', join(work, 'ids.json'), '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const bytes = new Uint8Array(await readFile(out));
      const h = parseHeader(bytes, out);
      const model = await loadModel(tinyCheckpoint(dir === hybrid ? 'nemotron_h' : 'llama', { seed: 2 }));
      const ref = forward(model, [1, 5, 2, 7, 3, 3, 9], undefined, { outputs: { hidden: true, attentions: true, ssmStates: true } });
      expect(Array.from(decodeTensor(h, h.tensors.get('logits')!, bytes))).toEqual(Array.from(ref.logits.data));
      const L = dir === hybrid ? 6 : 2;
      for (let i = 0; i <= L; i++) expect(h.tensors.get(`hidden_states.${i}`)!.shape).toEqual([7, 16]);
      expect(h.tensors.has(`hidden_states.${L + 1}`)).toBe(false);
      if (dir === hybrid) {
        expect(h.tensors.get('attentions.3')!.shape).toEqual([4, 7, 7]);
        expect(h.tensors.get('ssm_states.5')!.shape).toEqual([4, 6, 8]);
      } else {
        expect([...h.tensors.keys()].filter((k) => k.startsWith('attentions.'))).toEqual(['attentions.0', 'attentions.2']);
      }
    }
  });

  it('--capture selects the groups written', async () => {
    const out = join(work, 'h.safetensors');
    expect((await run(['forward', hybrid, '--ids', join(work, 'ids.json'), '--out', out, '--capture', 'hidden'])).code).toBe(0);
    const keys = [...parseHeader(new Uint8Array(await readFile(out)), out).tensors.keys()];
    expect(keys.some((k) => k.startsWith('attentions.') || k.startsWith('ssm_states.'))).toBe(false);
    expect(keys).toContain('hidden_states.6');
  });

  it('forward --ids - reads stdin and --out - writes the same safetensors bytes to stdout, and nothing else there', async () => {
    const file = join(work, 'same.safetensors');
    expect((await run(['forward', hybrid, '--ids', join(work, 'ids.json'), '--out', file])).code).toBe(0);
    const chunks: (string | Uint8Array)[] = [];
    let stderr = '';
    const code = await main(['forward', hybrid, '--ids', '-', '--out', '-'], {
      stdout: (d) => void chunks.push(d),
      stderr: (t) => void (stderr += t),
      stdin: async () => new TextEncoder().encode('[1, 5, 2, 7, 3, 3, 9]\n'),
    }, undefined, { fastKernels: false });
    expect(code, stderr).toBe(0);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(chunks[0] as Uint8Array).equals(await readFile(file))).toBe(true);
    expect(stderr).toBe('wrote 12 tensors to stdout\n');
  });

  it('generate --json prints the prompt and the greedy continuation', async () => {
    const r = await run(['generate', hybrid, '--ids', join(work, 'ids.json'), '--max-new-tokens', '5', '--json']);
    expect(r.code).toBe(0);
    const model = await loadModel(tinyCheckpoint('nemotron_h', { seed: 2 }));
    expect(JSON.parse(r.stdout)).toEqual({ ids: generateGreedy(model, [1, 5, 2, 7, 3, 3, 9], 5).ids });
  });

  it('reports bad input in one line naming the file, exit code 2', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'hs-bad-'));
    await writeFile(join(bad, 'config.json'), await readFile(join(hybrid, 'config.json')));
    await writeFile(join(bad, 'model.safetensors'), new Uint8Array([1, 2, 3]));
    await writeFile(join(work, 'oov.json'), '[1, 2, 999]');
    await writeFile(join(work, 'junk.json'), '{"a": 1}');
    const cases: [string[], RegExp][] = [
      [['info', join(bad, 'nope'), '--json'], /nope: no such folder/],
      [['info', bad, '--json'], /model\.safetensors: not a safetensors file/],
      [['forward', hybrid, '--ids', join(work, 'oov.json'), '--out', join(work, 'x.st')], /oov\.json: token id 999 at index 2 is outside the vocabulary 0\.\.36/],
      [['generate', hybrid, '--ids', join(work, 'junk.json'), '--max-new-tokens', '2'], /junk\.json: expected a non-empty JSON array/],
      [['forward', hybrid, '--ids', join(work, 'ids.json'), '--out', join(work, 'x.st'), '--layout', 'MM?'], /layout "MM\?": unknown block char/],
      [['generate', hybrid, '--ids', join(work, 'ids.json'), '--max-new-tokens', '1', '--layout', 'M-M*-MM'], /asks for more M blocks than the 3 the checkpoint has; name a block to repeat it, e\.g\. M5/],
      [['info'], /usage/],
      [['generate', hybrid, '--ids', '-', '--max-new-tokens', '1'], /^hybridscope: stdin: not valid JSON/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^hybridscope: /);
      expect(r.stderr).toMatch(message);
    }
  });

  it('computes with the WASM kernels by default, within parity tolerance of the reference', async () => {
    const out = join(work, 'w.safetensors');
    const code = await main(['forward', hybrid, '--ids', join(work, 'ids.json'), '--out', out, '--capture', 'hidden'], { stdout: () => {}, stderr: () => {} });
    const name = kernels().name;
    useBackend(referenceBackend);
    expect(code).toBe(0);
    expect(name).toBe('wasm-simd');
    const bytes = new Uint8Array(await readFile(out));
    const h = parseHeader(bytes, out);
    const model = await loadModel(tinyCheckpoint('nemotron_h', { seed: 2 }));
    const ref = forward(model, [1, 5, 2, 7, 3, 3, 9]).logits.data;
    const got = decodeTensor(h, h.tensors.get('logits')!, bytes);
    let num = 0, den = 0;
    for (let i = 0; i < ref.length; i++) { num += (got[i] - ref[i]) ** 2; den += ref[i] ** 2; }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
  });

  it('runs as `npx hybridscope` with a one-line error and exit 2 on a missing folder', async () => {
    const err = await promisify(execFile)('node', ['bin/hybridscope.mjs', 'info', '/nonexistent/model', '--json'], { cwd: join(__dirname, '../..') }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim()).toBe('hybridscope: /nonexistent/model: no such folder');
  });
});
