import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizer';
import { makePhonebook } from './generate';
import { answerLine, retrievedEntry, scoreAnswer, scorePrompt, type GreedyDecode } from './score';
import { SCORE_CASES } from './test-fixtures';

const tok = loadTokenizer(JSON.parse(readFileSync('assets/tokenizer/tokenizer.json', 'utf8')));


describe('scoreAnswer', () => {
  it('scores exact match of the first line and digits position by position', () => {
    for (const [generated, answer, exact, digitsRight] of SCORE_CASES) {
      const s = scoreAnswer(generated, answer);
      expect({ generated, exact: s.exact, digitsRight: s.digitsRight }).toEqual({ generated, exact, digitsRight });
      expect(s.digitAccuracy).toBeCloseTo(digitsRight / 10, 12);
    }
  });

  it('normalises whitespace only', () => {
    expect(answerLine('  a \t b  \nc')).toBe('a b');
    expect(answerLine('\nabc')).toBe('');
  });
});

describe('scorePrompt', () => {
  it('decodes to the end of the answer line within a bound and keeps ids and log-probs', async () => {
    const p = makePhonebook({ format: 'question', variant: 'standard', entries: 12 }, 5, tok);
    const completionIds = tok.encode(p.completion).ids;
    const calls: { maxNew: number; stopsAtNewline: boolean; stopsAtDigit: boolean }[] = [];
    const decode: GreedyDecode = (ids, maxNew, stopAt) => {
      expect(ids).toEqual(p.tokens!.ids);
      calls.push({ maxNew, stopsAtNewline: stopAt(tok.tokenToId('\n')!), stopsAtDigit: stopAt(tok.tokenToId('7')!) });
      // a model that writes the right number, its newline, then would go on
      return Promise.resolve({ ids: completionIds, logprobs: completionIds.map((_, i) => -0.01 * i) });
    };
    const s = await scorePrompt(p, tok, decode);
    expect(calls).toEqual([{ maxNew: completionIds.length + 4, stopsAtNewline: true, stopsAtDigit: false }]);
    expect(s).toMatchObject({ exact: true, digitsRight: 10, digitAccuracy: 1, answer: p.answer, generated: p.completion, entries: 12, target: p.target, retrieved: null });
    expect(s.promptTokens).toBe(p.tokens!.ids.length);
    expect(s.logprobs).toHaveLength(completionIds.length);
    expect(s.depth).toBeCloseTo(p.target / 11, 12);
  });

  it('scores a fuzzy answer and a missing line', async () => {
    const p = makePhonebook({ format: 'bare', variant: 'reversed', entries: 6, depth: 1 }, 2, tok);
    const wrong = p.answer.slice(0, 6) + '0000';
    const fuzzy = await scorePrompt(p, tok, () => ({ ids: tok.encode(` ${wrong}\n`).ids, logprobs: [] }));
    const right = [...p.answer.slice(6)].filter((d) => d === '0').length;
    expect(fuzzy).toMatchObject({ exact: false, digitsRight: 6 + right, line: wrong, target: 5, depth: 1, retrieved: null });
    const silent = await scorePrompt(p, tok, () => ({ ids: [tok.tokenToId('\n')!], logprobs: [-3] }));
    expect(silent).toMatchObject({ exact: false, digitsRight: 0, line: '', logprobs: [-3], retrieved: null });
    const other = (p.target + 2) % 6;
    const retrieved = await scorePrompt(p, tok, () => ({ ids: tok.encode(` ${p.entries[other].number}\n`).ids, logprobs: [] }));
    expect(retrieved).toMatchObject({ exact: false, retrieved: { entry: other } });
  });
});

describe('retrievedEntry', () => {
  // every pairing of 2 first × 2 last names: each entry shares one name with two others, none with the third
  const book = [
    { name: 'Mary Smith', number: '612-345-6789' },
    { name: 'James Smith', number: '712-345-6789' },
    { name: 'Mary Jones', number: '812-345-6789' },
    { name: 'James Jones', number: '912-345-6789' },
  ];
  it('names the other entry whose number a wrong answer spells, digits only, and the name it shares', () => {
    expect(retrievedEntry('712-345-6789', false, book, 0)).toEqual({ entry: 1, sharesFirst: false, sharesLast: true });
    expect(retrievedEntry('8123456789', false, book, 0)).toEqual({ entry: 2, sharesFirst: true, sharesLast: false });
    expect(retrievedEntry('912 345 67890', false, book, 0)).toEqual({ entry: 3, sharesFirst: false, sharesLast: false });
  });

  it('is null for an exact answer, the target\'s own digits, or a number of no entry', () => {
    expect(retrievedEntry('612-345-6789', true, book, 0)).toBeNull();
    expect(retrievedEntry('6123456789', false, book, 0)).toBeNull();
    expect(retrievedEntry('712-345-678', false, book, 0)).toBeNull();
    expect(retrievedEntry('', false, book, 0)).toBeNull();
  });
});
