// agreeTraces: two traces of one run agree exactly; a record array changed by 1 % is found at its
// layer and path, with the file whose digest no longer matches its records; another prompt is a header
// difference. And the CLI's `agree` says so in one line with exit 0 or 1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { nodeFolderSource } from '../cli/node-files';
import { loadModel } from '../io/checkpoint';
import { memorySource } from '../io/files';
import { DEFAULT_CAPTURE, runModel, type RunEvent, type RunSpec } from '../run';
import { agreeTraces, agrees } from './agree';
import { openTrace } from './read';
import { writeRunTrace } from './write';

const model = await loadModel(nodeFolderSource(new URL('../../assets/models/hybrid', import.meta.url).pathname));
const spec = (seed: number): RunSpec => ({
  prompt: { kind: 'phonebook', seed, spec: { entries: 6, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } },
  capture: { ...DEFAULT_CAPTURE, keepContext: false }, maxNewTokens: 14, topK: 3,
});

/** A trace of `spec(seed)`; `edit` may change each layer record before it is written. */
async function trace(seed: number, producer: string, edit?: (e: Extract<RunEvent, { type: 'layer' }>) => void): Promise<Uint8Array> {
  const run = runModel(model, spec(seed), { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
  async function* edited() {
    for (let next = await run.next(); ; next = await run.next()) {
      if (next.done) return next.value;
      if (next.value.type === 'layer') edit?.(next.value);
      yield next.value;
    }
  }
  const chunks: Uint8Array[] = [];
  await writeRunTrace(edited(), model, spec(seed), (c) => void chunks.push(c.slice()), { name: 'hybrid', producer });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  return bytes;
}

const files = {
  a: await trace(3, 'engine'),
  b: await trace(3, 'elsewhere'),
  nudged: await trace(3, 'elsewhere', (e) => {
    if (e.record.index === 2) e.record.residualNorm = e.record.residualNorm.map((v, i) => (i === 5 ? v * 1.01 : v));
  }),
  other: await trace(4, 'engine'),
};
const src = memorySource('mem', files);
const agreement = (x: keyof typeof files, y: keyof typeof files) => Promise.all([openTrace(src, x), openTrace(src, y)]).then(([p, q]) => agreeTraces(p, q));

describe('agreeTraces', () => {
  it('finds two traces of one run equal, whoever produced them', async () => {
    const r = await agreement('b', 'a');
    expect(r.mismatches).toEqual([]);
    expect([r.worst.err, r.logprobErr, r.records]).toEqual([0, 0, 8]);
    expect(r.arrays).toBeGreaterThan(20);
    expect(agrees(r, 0)).toBe(true);
  });

  it('finds an array changed by 1 % at its layer and path, and the digest that no longer matches', async () => {
    const r = await agreement('nudged', 'a');
    expect(r.worst.at).toBe('layer 2 residualNorm');
    expect(r.worst.err).toBeGreaterThan(1e-4);
    expect(r.worst.err).toBeLessThan(1.01e-2);
    expect(agrees(r, 1e-3)).toBe(false);
  });

  it('says another prompt is a header difference', async () => {
    const r = await agreement('other', 'a');
    expect(r.mismatches[0]).toMatch(/^header\.prompt/);
    expect(agrees(r, 1)).toBe(false);
  });
});

describe('hybridscope agree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-agree-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, `${k}.hstrace`), v);
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: (s) => void out.push(String(s)), stderr: (s) => void err.push(s) }, undefined, { fastKernels: false });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('exits 0 with one line when they agree, 1 when they do not', async () => {
    const same = await cli('agree', join(dir, 'b.hstrace'), join(dir, 'a.hstrace'));
    expect(same.code).toBe(0);
    expect(same.out.trim().split('\n')).toHaveLength(1);
    expect(same.out).toContain('agree within 0.001: worst max|a-b|/max|b| 0.00e+0');
    const off = await cli('agree', join(dir, 'other.hstrace'), join(dir, 'a.hstrace'), '--json');
    expect(off.code).toBe(1);
    expect(JSON.parse(off.out)).toMatchObject({ agree: false });
    expect((await cli('agree', join(dir, 'a.hstrace'), join(dir, 'a.hstrace'), '--tol', 'x')).code).toBe(2);
  });
});
