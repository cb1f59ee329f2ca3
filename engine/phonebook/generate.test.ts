import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePhonebook, type PhonebookPrompt, type PhonebookSpec } from './generate';
import { FORMATS, VARIANTS, questionLine, requestLine } from './templates';

const spec = (over: Partial<PhonebookSpec> = {}): PhonebookSpec => ({ format: 'bare', variant: 'standard', entries: 20, ...over });
const slice = (p: PhonebookPrompt, s: [number, number]) => p.text.slice(s[0], s[1]);

describe('makePhonebook: determinism', () => {
  it('gives the same prompt, spans and answer for the same seed, and another for another seed', () => {
    for (const format of FORMATS)
      for (const variant of VARIANTS) {
        const a = makePhonebook(spec({ format, variant }), 99);
        const b = makePhonebook(spec({ format, variant }), 99);
        expect(b).toEqual(a);
        expect(makePhonebook(spec({ format, variant }), 100).text).not.toBe(a.text);
      }
  });

  it('extends a shorter book with a longer one from the same seed (names and numbers)', () => {
    const short = makePhonebook(spec({ entries: 10, depth: 0 }), 5);
    const long = makePhonebook(spec({ entries: 30, depth: 0 }), 5);
    expect(long.entries.slice(0, 10).map((e) => [e.name, e.number])).toEqual(short.entries.map((e) => [e.name, e.number]));
  });
});

// The study's templates (templates.ts), rebuilt here from the prompt's own entries, examples and target.
function expectedText(p: PhonebookPrompt): string {
  const { format, variant } = p.spec;
  const line = (i: number) => `${p.entries[i].name}: ${p.entries[i].number}`;
  const target = p.entries[p.target];
  let text = variant === 'reversed' ? `${requestLine(target.name)}\n\n` : '';
  text += p.entries.map((_, i) => line(i) + '\n').join('');
  if (format === 'bare') {
    if (p.examples.length) text += '\n' + p.examples.map((i) => line(i) + '\n').join('');
    text += `\n${target.name}:`;
  } else {
    text += p.examples.map((i) => `What is the phone number for ${p.entries[i].name}?\nAnswer: ${p.entries[i].number}\n`).join('');
    text += `What is the phone number for ${target.name}?\nAnswer:`;
  }
  return text;
}

describe('makePhonebook: templates', () => {
  it('bare / standard: "Name: 10 digits" lines, blank line, 2 example lines, blank line, "Name:"', () => {
    const p = makePhonebook(spec({ format: 'bare', variant: 'standard', entries: 8 }), 1);
    expect(p.text).toBe(expectedText(p));
    const lines = p.text.split('\n');
    expect(lines).toHaveLength(8 + 1 + 2 + 1 + 1);
    for (const l of lines.slice(0, 8)) expect(l).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+: [6-9]\d{9}$/);
    expect(lines[8]).toBe('');
    expect(lines[11]).toBe('');
    expect(lines[12]).toBe(`${p.entries[p.target].name}:`);
    expect(p.answer).toMatch(/^[6-9]\d{9}$/);
    expect(p.completion).toBe(` ${p.answer}\n`);
  });

  it('bare / reversed: the request line and a blank line first, then the standard prompt', () => {
    const p = makePhonebook(spec({ format: 'bare', variant: 'reversed', entries: 8 }), 1);
    const standard = makePhonebook(spec({ format: 'bare', variant: 'standard', entries: 8 }), 1);
    expect(p.text).toBe(expectedText(p));
    expect(p.text).toBe(`${requestLine(p.entries[p.target].name)}\n\n${standard.text}`);
    expect(p.text.startsWith(`Please find the phone number for ${p.entries[p.target].name} in the phone book below.`)).toBe(true);
  });

  it('question / standard: NNN-NNN-NNNN lines, then question/Answer pairs, then the target question and "Answer:"', () => {
    const p = makePhonebook(spec({ format: 'question', variant: 'standard', entries: 8 }), 2);
    expect(p.text).toBe(expectedText(p));
    const lines = p.text.split('\n');
    expect(lines).toHaveLength(8 + 2 * 2 + 2);
    for (const l of lines.slice(0, 8)) expect(l).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+: [6-9]\d\d-\d{3}-\d{4}$/);
    expect(lines[8]).toBe(questionLine(p.entries[p.examples[0]].name));
    expect(lines[9]).toBe(`Answer: ${p.entries[p.examples[0]].number}`);
    expect(lines.slice(-2)).toEqual([`What is the phone number for ${p.entries[p.target].name}?`, 'Answer:']);
    expect(p.answer).toMatch(/^[6-9]\d\d-\d{3}-\d{4}$/);
  });

  it('question / reversed: request first, book, few-shot pairs, the question again', () => {
    const p = makePhonebook(spec({ format: 'question', variant: 'reversed', entries: 8 }), 2);
    expect(p.text).toBe(expectedText(p));
    const name = p.entries[p.target].name;
    expect(p.text.split('\n')[0]).toBe(`Please find the phone number for ${name} in the phone book below. Memorize it, you will be asked for it at the end.`);
    expect(p.text.endsWith(`What is the phone number for ${name}?\nAnswer:`)).toBe(true);
  });

  it('drops the example block of a one-entry book', () => {
    const p = makePhonebook(spec({ entries: 1 }), 3);
    expect(p.examples).toEqual([]);
    expect(p.text).toBe(`${p.entries[0].name}: ${p.entries[0].number}\n\n${p.entries[0].name}:`);
  });
});

describe('makePhonebook: structure', () => {
  it('spans cut exactly the entries, names, numbers, look-ups, query, request and supervised answers', () => {
    for (const format of FORMATS)
      for (const variant of VARIANTS)
        for (const seed of [0, 7, 31337]) {
          const p = makePhonebook(spec({ format, variant, entries: 37, shots: 5 }), seed);
          for (const e of p.entries) {
            expect(slice(p, e.span)).toBe(`${e.name}: ${e.number}`);
            expect(slice(p, e.nameSpan)).toBe(e.name);
            expect(slice(p, e.numberSpan)).toBe(e.number);
          }
          p.lookups.forEach((l, j) => {
            expect(l.entry).toBe(p.examples[j]);
            expect(slice(p, l.numberSpan)).toBe(p.entries[l.entry].number);
            expect(slice(p, l.span)).toContain(p.entries[l.entry].name);
            expect(l.span[0]).toBeGreaterThan(p.entries[36].span[1]);
          });
          expect(p.text.slice(p.query[0])).toBe(format === 'bare' ? `${p.entries[p.target].name}:` : `${questionLine(p.entries[p.target].name)}\nAnswer:`);
          expect(p.request === null).toBe(variant === 'standard');
          if (p.request) expect(slice(p, p.request)).toBe(requestLine(p.entries[p.target].name));
          const full = p.text + p.completion;
          expect(p.supervised.map(([s, e]) => full.slice(s, e))).toEqual([...p.examples, p.target].map((i) => p.entries[i].number));
        }
  });

  it('draws distinct names, puts the target at the depth and spreads distinct examples evenly', () => {
    const full = makePhonebook(spec({ entries: 100 * 100, depth: 0.5 }), 11);
    expect(new Set(full.entries.map((e) => e.name)).size).toBe(10000);
    for (const [entries, depth, want] of [[50, 0, 0], [50, 1, 49], [51, 0.5, 25], [11, 0.25, 3]] as const)
      expect(makePhonebook(spec({ entries, depth }), 4).target).toBe(want);
    const n = 97;
    const shots = 16;
    for (const seed of [1, 2, 3]) {
      const p = makePhonebook(spec({ entries: n, shots }), seed);
      expect(p.examples).toHaveLength(shots);
      expect(new Set(p.examples).size).toBe(shots);
      expect(p.examples).not.toContain(p.target);
      // example j comes from the j-th of 16 equal segments of the 96 non-target entries
      p.examples.forEach((e, j) => {
        const rank = e < p.target ? e : e - 1;
        expect(Math.floor(rank / ((n - 1) / shots))).toBe(j);
      });
    }
    expect(makePhonebook(spec({ entries: 4, shots: 16 }), 1).examples).toHaveLength(3);
  });

  it('draws the target uniformly when no depth is given', () => {
    const counts = new Array(5).fill(0);
    for (let seed = 0; seed < 2000; seed++) counts[makePhonebook(spec({ entries: 5 }), seed).target]++;
    for (const c of counts) expect(c).toBeGreaterThan(330);
  });

  it('rejects bad specs with one-line messages', () => {
    expect(() => makePhonebook(spec({ entries: 0 }), 1)).toThrow(/entries must be an integer/);
    expect(() => makePhonebook(spec({ entries: 10001 }), 1)).toThrow(/entries must be an integer 1…10000/);
    expect(() => makePhonebook(spec({ depth: 1.5 }), 1)).toThrow(/depth must be a fraction/);
    expect(() => makePhonebook(spec({ format: 'mcq' as never }), 1)).toThrow(/unknown format/);
    expect(() => makePhonebook({ format: 'bare', variant: 'standard' }, 1)).toThrow(/entries or as tokens/);
    expect(() => makePhonebook({ format: 'bare', variant: 'standard', tokens: 100 }, 1)).toThrow(/needs a tokenizer/);
    expect(() => makePhonebook(spec(), 1.5)).toThrow(/seed must be an integer/);
  });

  it('takes a swapped names list', () => {
    const names = { first: ['Ada', 'Alan'], last: ['Lovelace', 'Turing', 'Hopper'] };
    const p = makePhonebook(spec({ entries: 6, names }), 8);
    expect(new Set(p.entries.map((e) => e.name))).toEqual(new Set(names.first.flatMap((f) => names.last.map((l) => `${f} ${l}`))));
    expect(() => makePhonebook(spec({ entries: 7, names }), 8)).toThrow(/1…6/);
  });
});

describe('makePhonebook: properties over random specs', () => {
  it('always cuts exact spans, keeps names distinct and examples off the target', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.constantFrom(...VARIANTS),
        fc.integer({ min: 1, max: 300 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        (format, variant, entries, depth, shots, seed) => {
          const p = makePhonebook({ format, variant, entries, depth, shots }, seed);
          expect(p.text).toBe(expectedText(p));
          expect(new Set(p.entries.map((e) => e.name)).size).toBe(entries);
          for (const e of p.entries) expect(slice(p, e.span)).toBe(`${e.name}: ${e.number}`);
          expect(p.examples).toHaveLength(Math.min(shots, entries - 1));
          expect(new Set(p.examples).size).toBe(p.examples.length);
          expect(p.examples).not.toContain(p.target);
          if (depth !== null) expect(p.target).toBe(Math.round(depth * (entries - 1)));
          const full = p.text + p.completion;
          expect(full.slice(...p.supervised[p.supervised.length - 1])).toBe(p.answer);
        },
      ),
      { numRuns: 200 },
    );
  });
});
