// The app's phonebook prompt: the generator's tokens, plus the answer's leading space when the
// tokenizer keeps that space as a token of its own, so that the last prompt token predicts the
// first digit (the focus row of the attention and SSM views).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makePhonebook } from './phonebook/generate';
import { loadTokenizer, type Tokenizer } from './tokenizer';
import { phonebookPrompt, type PhonebookPromptSpec } from './prompt';

const wordLevel = loadTokenizer(JSON.parse(readFileSync(new URL('../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8')));
const spec: PhonebookPromptSpec = { format: 'bare', variant: 'standard', entries: 12, depth: 0.5, fewShot: 2 };

describe('phonebookPrompt', () => {
  it('ends on the space before the answer under the word-level tokenizer', () => {
    for (const format of ['bare', 'question'] as const) {
      const s = { ...spec, format };
      const book = makePhonebook({ format, variant: 'standard', entries: 12, depth: 0.5, shots: 2 }, 5, wordLevel);
      const p = phonebookPrompt(wordLevel, s, 5);
      const T = p.ids.length;
      expect(T).toBe(book.tokens!.ids.length + 1);
      expect([...p.ids.slice(0, T - 1)]).toEqual(book.tokens!.ids);
      expect(p.tokens[T - 1]).toBe(' ');
      expect(p.tokens.length).toBe(T);
      expect(p.focus).toContain(T - 1);
      // the full text (prompt + answer + newline) tokenizes to the prompt's ids followed by the digits
      const full = wordLevel.encode(book.text + book.completion).ids;
      expect(full.slice(0, T)).toEqual([...p.ids]);
      expect(wordLevel.decode(full.slice(T, T + 1))).toMatch(/^[0-9]$/);
    }
  });

  it('adds nothing when the space and the first digit form one token', () => {
    // a stand-in for BPE: " 6" (any space + digit) is a single id, a bare space is not a token
    const merged: Tokenizer = {
      ...wordLevel,
      encode(text: string) {
        const base = wordLevel.encode(text.replace(/ ([0-9])$/, '$1'));
        if (/ [0-9]$/.test(text)) return base;  // the last "token" stands for space + digit
        if (text.endsWith(' ')) return wordLevel.encode(text.slice(0, -1) + '?');
        return base;
      },
    };
    const book = makePhonebook({ format: 'bare', variant: 'standard', entries: 12, depth: 0.5, shots: 2 }, 5, merged);
    const p = phonebookPrompt(merged, spec, 5);
    expect(p.ids.length).toBe(book.tokens!.ids.length);
  });
});
