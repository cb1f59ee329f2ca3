// The phonebook under a real byte-level BPE tokenizer (GPT-2's, engine/test/gpt2-tokenizer.ts), where
// digits merge into multi-digit tokens and a number's first token carries the space before it
// (" 6", "123", "45", …): token spans, the answer's tokens, the token budget, the run's prompt, the
// stop rule and the scorer.
import { describe, expect, it } from 'vitest';
import { phonebookPrompt } from '../prompt';
import { gpt2Tokenizer } from '../test/gpt2-tokenizer';
import { loadTokenizer } from '../tokenizer';
import type { Span } from './book';
import { charSpanToTokens, makePhonebook, type PhonebookPrompt } from './generate';
import { answerBudget, digitTokens, markAnswer, newlineStopper, scorePrompt, type GreedyDecode } from './score';
import { FORMATS, VARIANTS } from './templates';

const { tokenizer, config } = gpt2Tokenizer();
const tok = loadTokenizer(tokenizer, config);
const pieces = (ids: number[]) => ids.map((id) => tok.decode([id]));

/** A token span of a character span: it covers the span, what else it covers is whitespace before
 *  it (the space a BPE token keeps), its tokens decode to exactly what they cover, and the tokens
 *  beside it lie outside the span. */
function expectCovers(p: PhonebookPrompt, chars: Span, span: Span) {
  const { ids, offsets } = p.tokens!;
  expect(span[1]).toBeGreaterThan(span[0]);
  const [a, b] = [offsets[span[0]][0], offsets[span[1] - 1][1]];
  const covered = p.text.slice(a, b);
  expect(a).toBeLessThanOrEqual(chars[0]);
  expect(b).toBe(chars[1]);
  expect(p.text.slice(a, chars[0]).trim()).toBe('');
  expect(tok.decode(ids.slice(span[0], span[1]))).toBe(covered);
  if (span[0] > 0) expect(offsets[span[0] - 1][1]).toBeLessThanOrEqual(chars[0]);
  if (span[1] < ids.length) expect(offsets[span[1]][0]).toBeGreaterThanOrEqual(chars[1]);
}

describe('phonebook prompts under GPT-2 byte-level BPE', () => {
  it('cuts every entry, name, number, look-up, query and request, numbers merged into multi-digit tokens', () => {
    let multiDigit = 0;
    for (const format of FORMATS)
      for (const variant of VARIANTS)
        for (const seed of [3, 17]) {
          const p = makePhonebook({ format, variant, entries: 25, shots: 4 }, seed, tok);
          const t = p.tokens!;
          p.entries.forEach((e, i) => {
            expectCovers(p, e.span, t.entries[i].span);
            expectCovers(p, e.nameSpan, t.entries[i].nameSpan);
            expectCovers(p, e.numberSpan, t.entries[i].numberSpan);
            const number = pieces(t.ids.slice(...t.entries[i].numberSpan));
            expect(number[0].startsWith(' ')).toBe(true); // ": 612…": the space rides on the number's first token
            expect(number.join('').trim()).toBe(e.number);
            expect(number.length).toBeLessThan(e.number.length);
            multiDigit += number.filter((s) => /\d\d/.test(s)).length;
          });
          p.lookups.forEach((l, i) => {
            expectCovers(p, l.span, t.lookups[i].span);
            expectCovers(p, l.numberSpan, t.lookups[i].numberSpan);
          });
          expectCovers(p, p.query, t.query);
          expect(t.query[1]).toBe(t.ids.length);
          if (p.request) expectCovers(p, p.request, t.request!);
        }
    expect(multiDigit).toBeGreaterThan(100);
  });

  it('ends the prompt where the answer\'s tokens begin: the first carries the leading space, the budget counts them', () => {
    for (const format of FORMATS)
      for (const variant of VARIANTS) {
        const p = makePhonebook({ format, variant, entries: 9 }, 5, tok);
        const T = p.tokens!.ids.length;
        const full = tok.encode(p.text + p.completion);
        expect(full.ids.slice(0, T)).toEqual(p.tokens!.ids); // the prompt is a prefix of prompt + answer
        const answer = charSpanToTokens(full.offsets, p.supervised[p.supervised.length - 1]);
        expect(answer[0]).toBe(T);
        const written = pieces(full.ids.slice(answer[0], answer[1]));
        expect(written[0]).toMatch(/^ \d/);
        expect(written.join('')).toBe(` ${p.answer}`);
        expect(pieces(full.ids.slice(answer[1]))).toEqual(['\n']);
        expect(answerBudget(p, tok)).toBe(full.ids.length - T + 4);
        // the look-ups' numbers are supervised the same way: one span each, over their tokens
        p.lookups.forEach((l, i) => expect(charSpanToTokens(full.offsets, p.supervised[i])).toEqual(p.tokens!.lookups[i].numberSpan));
      }
  });

  it('fits a token budget in BPE tokens, within one entry of it', () => {
    for (const budget of [60, 500, 3000]) {
      const p = makePhonebook({ format: 'question', variant: 'reversed', tokens: budget }, 23, tok);
      expect(p.tokens!.ids.length).toBeLessThanOrEqual(budget);
      expect(makePhonebook({ format: 'question', variant: 'reversed', entries: p.spec.entries + 1 }, 23, tok).tokens!.ids.length).toBeGreaterThan(budget);
    }
  });

  it('gives a run the prompt as it is, with no separate space token: the last prompt token predicts the first digits', () => {
    for (const format of FORMATS) {
      const info = phonebookPrompt(tok, { entries: 12, depth: 0.5, variant: 'standard', format, fewShot: 2 }, 9);
      const book = makePhonebook({ format, variant: 'standard', entries: 12, depth: 0.5, shots: 2 }, 9, tok);
      expect([...info.ids]).toEqual(book.tokens!.ids);
      expect(info.tokens.join('')).toBe(book.text);
      expect(info.tokens[info.tokens.length - 1]).toBe(':');
      expect(info.focus).toContain(info.ids.length - 1);
      expect(info.phonebook!.entries.map((e) => e.tokens)).toEqual(book.tokens!.entries.map((e) => e.span));
      expect(info.phonebook!.expected).toBe(book.answer);
    }
  });
});

describe('scoring BPE answers', () => {
  const p = makePhonebook({ format: 'question', variant: 'standard', entries: 12 }, 5, tok);
  const completion = tok.encode(p.completion).ids;

  it('stops at the tokens that hold a newline, never at digits', () => {
    const stop = newlineStopper(tok);
    for (const nl of ['\n', '\n\n', '.\n', ' \n']) {
      const ids = tok.encode(nl).ids;
      expect(ids.some(stop), JSON.stringify(nl)).toBe(true);
    }
    for (const id of completion.slice(0, -1)) expect(stop(id)).toBe(false);
    expect(stop(completion[completion.length - 1])).toBe(true);
  });

  it('scores exact matches, digits right and which token wrote each digit', async () => {
    const wrong = (digit: number) => p.answer.slice(0, digit) + String((Number(p.answer[digit]) + 1) % 10) + p.answer.slice(digit + 1);
    const cases: [text: string, exact: boolean, digitsRight: number][] = [
      [p.completion, true, 10],
      [` ${wrong(9)}\n`, false, 9],
      [` ${wrong(0)}\nWhat`, false, 9],
      [` ${p.answer.slice(0, 7)}\n`, false, 6], // "612-345" then the line ends: 6 digits
      ['\n', false, 0],
    ];
    for (const [text, exact, digitsRight] of cases) {
      const ids = tok.encode(text).ids;
      const decode: GreedyDecode = (promptIds, maxNew, stopAt) => {
        expect(promptIds).toEqual(p.tokens!.ids);
        const cut = ids.findIndex(stopAt);
        const out = ids.slice(0, Math.min(maxNew, cut < 0 ? ids.length : cut + 1));
        return { ids: out, logprobs: out.map(() => -0.5) };
      };
      const s = await scorePrompt(p, tok, decode);
      expect({ text, exact: s.exact, digitsRight: s.digitsRight }).toEqual({ text, exact, digitsRight });
      expect(s.generated).toBe(text.slice(0, text.indexOf('\n') + 1));
      // each digit of the answer line comes from the token whose text holds it, several per token
      const writers = digitTokens(pieces(s.generatedIds));
      const { marks } = markAnswer(s.generated, p.answer, pieces(s.generatedIds));
      expect(marks.filter((m) => m.got !== '').map((m) => m.token)).toEqual(writers.slice(0, 10));
      writers.forEach((w, k) => expect(pieces(s.generatedIds)[w]).toContain(s.line.replace(/\D/g, '')[k]));
      if (digitsRight === 10) expect(new Set(writers).size).toBeLessThan(writers.length);
    }
  });
});
