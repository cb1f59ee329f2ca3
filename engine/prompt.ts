// A run's prompt: text through the model's tokenizer, token ids as given, or a phonebook from
// engine/phonebook's generator, reshaped into what the UI shows (token strings, each entry's token
// span, target, expected answer) with the focus rows the probes record: the end of the book, the end
// of the opening request (reversed variant) and the last prompt token, where the answer's first digit
// is predicted.
//
// The completion starts with a space (`Name: 6123456789`). A BPE tokenizer reads " 6" as one token,
// so the prompt's last token already predicts the first digit; a word-level tokenizer (the bundled
// models') reads the space as a token of its own, and the last prompt token would predict only that
// space. Then the space joins the prompt: the model was trained on the same text, and the focus row
// is the one that retrieves the number (the attention and SSM views show that row). Sweeps and the
// CLI score the study's prompt, ending `Name:`, and let the model write the space.
import { InputError } from './errors';
import type { Model } from './model';
import { makePhonebook } from './phonebook/generate';
import type { PhonebookFormat, PhonebookVariant } from './phonebook/templates';
import type { Tokenizer } from './tokenizer';

/** The longest prompt a run takes, in tokens. */
export const MAX_PROMPT_TOKENS = 262_144;

/** A phonebook prompt as a run asks for it (the generator's own options are engine/phonebook's). */
export interface PhonebookPromptSpec {
  /** Number of entries in the book (or use tokenBudget). */
  entries?: number;
  /** Approximate total prompt length in tokens; the generator picks the entry count. */
  tokenBudget?: number;
  /** Target position in the book, 0 (first) … 1 (last). */
  depth: number;
  variant: PhonebookVariant;
  format: PhonebookFormat;
  /** Few-shot example queries before the real one. */
  fewShot: number;
}

export type PromptSpec =
  | { kind: 'text'; text: string }
  | { kind: 'ids'; ids: number[] }
  | { kind: 'phonebook'; spec: PhonebookPromptSpec; seed: number };

/** The prompt as tokenized, sent once before the layer records. */
export interface PromptInfo {
  ids: Int32Array;
  tokens: string[];
  /** Phonebook structure when the prompt is one: token spans [start, end) of each entry. */
  phonebook?: {
    entries: { name: string; number: string; tokens: [number, number] }[];
    target: number;
    examples: number[];
    expected: string;
  };
  /** Token positions whose attention/implicit rows and states are captured. */
  focus: number[];
}

/** Tokenize text, take ids as given, or generate a phonebook prompt; InputError on bad input. */
export function preparePrompt(model: Model, spec: PromptSpec): PromptInfo {
  const V = model.embeddings.V;
  const tok = model.tokenizer;
  if (spec.kind === 'ids') {
    const bad = spec.ids.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new InputError(`token id ${bad} is outside the vocabulary 0..${V - 1}`);
    const ids = Int32Array.from(spec.ids);
    return { ids, tokens: spec.ids.map((id) => tok?.idToToken(id) ?? String(id)), focus: [ids.length - 1] };
  }
  if (!tok) throw new InputError(`${spec.kind} prompts need the model's tokenizer.json: give token ids instead`);
  if (spec.kind === 'phonebook') return phonebookPrompt(tok, spec.spec, spec.seed);
  const enc = tok.encode(spec.text);
  if (enc.ids.length === 0) throw new InputError('the prompt has no tokens');
  if (enc.ids.length > MAX_PROMPT_TOKENS) throw new InputError(`the prompt has ${enc.ids.length} tokens; at most ${MAX_PROMPT_TOKENS} can be run`);
  const tokens = enc.offsets.map(([a, b]) => spec.text.slice(a, b));
  return { ids: Int32Array.from(enc.ids), tokens, focus: [enc.ids.length - 1] };
}

export function phonebookPrompt(tokenizer: Tokenizer, spec: PhonebookPromptSpec, seed: number): PromptInfo {
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
