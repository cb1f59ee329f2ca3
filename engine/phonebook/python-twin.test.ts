// The Python twin (training/phonebook.py) must give the same prompts as the TypeScript generator,
// byte for byte: the bundled models are trained on its output and evaluated on this one's.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutPhonebook, type BookSpec } from './book';
import { makePhonebook } from './generate';
import { deriveSeed } from './prng';
import { scoreAnswer } from './score';
import { charTokenizer, SCORE_CASES } from './test-fixtures';
import { FORMATS, VARIANTS, type PhonebookFormat, type PhonebookVariant } from './templates';


function python(spec: BookSpec, seeds: number[]): unknown[] {
  const args = ['training/phonebook.py', '--emit-json', '--seeds', seeds.join(','), '--format', spec.format, '--variant', spec.variant];
  args.push('--entries', String(spec.entries), '--shots', String(spec.shots));
  if (spec.depth !== null) args.push('--depth', String(spec.depth));
  return JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 28 })) as unknown[];
}

const seeds = [0, 1, 42, 123456789, 4294967295, -7, 2 ** 40 + 3];

describe('training/phonebook.py agrees with the TypeScript generator', () => {
  const cases: BookSpec[] = [];
  for (const format of FORMATS)
    for (const variant of VARIANTS) cases.push({ format, variant, entries: 12, depth: null, shots: 2 });
  cases.push({ format: 'bare', variant: 'standard', entries: 1, depth: null, shots: 2 });
  cases.push({ format: 'question', variant: 'standard', entries: 3, depth: 0.5, shots: 16 });
  cases.push({ format: 'question', variant: 'reversed', entries: 250, depth: 0.37, shots: 16 });
  cases.push({ format: 'bare', variant: 'reversed', entries: 64, depth: 1, shots: 0 });
  cases.push({ format: 'bare', variant: 'standard', entries: 2000, depth: 0, shots: 5 });

  for (const spec of cases) {
    it(`${spec.format}/${spec.variant}, ${spec.entries} entries, depth ${spec.depth}, ${spec.shots} shots`, () => {
      const some = spec.entries > 100 ? seeds.slice(2, 4) : seeds;
      const fromPython = python(spec, some);
      expect(fromPython).toHaveLength(some.length);
      some.forEach((seed, i) => {
        const ts = layoutPhonebook(spec, seed);
        const py = fromPython[i] as typeof ts;
        expect(py.text).toBe(ts.text);
        expect(py).toEqual(JSON.parse(JSON.stringify(ts)));
      });
    });
  }
});

describe('training/phonebook.py scores like score.ts', () => {
  it('derives the same sample seeds as the sweeps', () => {
    const script = 'import json,sys; sys.path.insert(0,"training"); import phonebook as pb; print(json.dumps([pb.sample_seed(9, k) for k in range(50)]))';
    expect(JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' }))).toEqual(Array.from({ length: 50 }, (_, k) => deriveSeed(9, k)));
  });

  it('gives the same exact match and digit counts on the hand-made cases', () => {
    const script = 'import json,sys; sys.path.insert(0,"training"); import phonebook as pb; ' +
      'print(json.dumps([pb.score_answer(g, a) for g, a in json.load(sys.stdin)]))';
    const out = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(SCORE_CASES.map(([g, a]) => [g, a])), encoding: 'utf8' }));
    expect(out).toEqual(SCORE_CASES.map(([g, a]) => scoreAnswer(g, a)));
  });

  it('fits a token budget to the same book (with a one-token-per-character counter)', () => {
    const script = 'import json,sys; sys.path.insert(0,"training"); import phonebook as pb; ' +
      'print(json.dumps([pb.fit_token_budget(f, v, b, len, None, 2, 23)["spec"]["entries"] for f, v, b in json.load(sys.stdin)]))';
    const cases: [PhonebookFormat, PhonebookVariant, number][] = [['bare', 'standard', 700], ['question', 'reversed', 3000], ['bare', 'reversed', 9000]];
    const out = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' }));
    expect(out).toEqual(cases.map(([format, variant, tokens]) => makePhonebook({ format, variant, tokens }, 23, charTokenizer).spec.entries));
  });
});

describe('training/phonebook.py on random specs', () => {
  it('agrees with the TypeScript generator on 150 random specs and seeds', () => {
    const cases = fc.sample(
      fc.record({
        format: fc.constantFrom(...FORMATS),
        variant: fc.constantFrom(...VARIANTS),
        entries: fc.integer({ min: 1, max: 120 }),
        depth: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        shots: fc.integer({ min: 0, max: 16 }),
        seed: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      }),
      { numRuns: 150, seed: 2024 },
    );
    const out = JSON.parse(
      execFileSync('python3', ['training/phonebook.py', '--emit-json', '--cases', '-'], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 28 }),
    ) as unknown[];
    cases.forEach(({ seed, ...spec }, i) => expect(out[i]).toEqual(JSON.parse(JSON.stringify(layoutPhonebook(spec, seed)))));
  });
});
