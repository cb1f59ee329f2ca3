// Phonebook prompts for a run: engine/phonebook's generator under the model's tokenizer, reshaped
// into the PromptInfo the UI shows (token strings, each entry's token span, target, expected answer)
// with the focus rows the probes record: the end of the book, the end of the opening request
// (reversed variant) and the last prompt token, where the answer's first digit is predicted.
//
// The completion starts with a space (`Name: 6123456789`). A BPE tokenizer reads " 6" as one token,
// so the prompt's last token already predicts the first digit; a word-level tokenizer (the bundled
// models') reads the space as a token of its own, and the last prompt token would predict only that
// space. Then the space joins the prompt: the model was trained on the same text, and the focus row
// is the one that retrieves the number (the attention and SSM views show that row).
import { makePhonebook } from '../engine/phonebook/generate';
import type { Tokenizer } from '../engine/tokenizer';
import type { PhonebookSpec, PromptInfo } from './protocol';

export function phonebookPrompt(tokenizer: Tokenizer, spec: PhonebookSpec, seed: number): PromptInfo {
  const book = makePhonebook({
    format: spec.format, variant: spec.variant, depth: spec.depth, shots: spec.fewShot,
    ...(spec.entries !== undefined ? { entries: spec.entries } : { tokens: spec.tokenBudget }),
  }, seed, tokenizer);
  const t = book.tokens!;
  const lead = leadingSpaceToken(tokenizer, book.text, t.ids, book.completion);
  const ids = lead === undefined ? t.ids : [...t.ids, lead.id];
  const T = ids.length;
  const tokens = t.offsets.map(([a, b]) => book.text.slice(a, b));
  if (lead) tokens.push(lead.text);
  const lastEntry = t.entries[t.entries.length - 1]?.span[1] ?? T;
  const focus = [lastEntry - 1, T - 1];
  if (t.request) focus.push(t.request[1] - 1);
  return {
    ids: Int32Array.from(ids),
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

/** The completion's leading whitespace as one token of its own after `ids`, or undefined when the
 * tokenizer merges it with the first digit (BPE) or splits it otherwise. One encode of the prompt
 * with the space and the first digit: the space is its own token when that token spans exactly it. */
function leadingSpaceToken(tokenizer: Tokenizer, text: string, ids: number[], completion: string): { id: number; text: string } | undefined {
  const space = /^[ \t]+/.exec(completion)?.[0];
  if (!space) return undefined;
  const T = ids.length;
  const enc = tokenizer.encode(text + completion.slice(0, space.length + 1));
  if (enc.ids.length !== T + 2 || !ids.every((id, i) => enc.ids[i] === id)) return undefined;
  const [a, b] = enc.offsets[T];
  return a === text.length && b === text.length + space.length ? { id: enc.ids[T], text: space } : undefined;
}
