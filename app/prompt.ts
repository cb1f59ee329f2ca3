// Phonebook prompts for a run: engine/phonebook's generator under the model's tokenizer, reshaped
// into the PromptInfo the UI shows (token strings, each entry's token span, target, expected answer)
// with the focus rows the probes record: the end of the book, the end of the opening request
// (reversed variant) and the last prompt token, where the answer's first digit is predicted.
import { makePhonebook } from '../engine/phonebook/generate';
import type { Tokenizer } from '../engine/tokenizer';
import type { PhonebookSpec, PromptInfo } from './protocol';

export function phonebookPrompt(tokenizer: Tokenizer, spec: PhonebookSpec, seed: number): PromptInfo {
  const book = makePhonebook({
    format: spec.format, variant: spec.variant, depth: spec.depth, shots: spec.fewShot,
    ...(spec.entries !== undefined ? { entries: spec.entries } : { tokens: spec.tokenBudget }),
  }, seed, tokenizer);
  const t = book.tokens!;
  const T = t.ids.length;
  const tokens = t.offsets.map(([a, b]) => book.text.slice(a, b));
  const lastEntry = t.entries[t.entries.length - 1]?.span[1] ?? T;
  const focus = [lastEntry - 1, T - 1];
  if (t.request) focus.push(t.request[1] - 1);
  return {
    ids: Int32Array.from(t.ids),
    tokens,
    focus: [...new Set(focus.filter((p) => p >= 0 && p < T))].sort((a, b) => a - b),
    phonebook: {
      entries: book.entries.map((e, i) => ({ name: e.name, number: e.number, tokens: t.entries[i].span })),
      target: book.target,
      examples: book.examples,
      expected: book.answer,
    },
  };
}
