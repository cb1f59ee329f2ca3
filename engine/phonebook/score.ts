// Scoring one phonebook prompt: greedy decoding to the end of the first answer line, exact match,
// per-digit accuracy and the generated tokens' log-probs. training/phonebook.py `score_answer` is
// the twin of scoreAnswer.
//
// Definitions (as the study scores it, arXiv 2406.07887):
// - answer line: the generated text up to its first newline, with whitespace runs collapsed to one
//   space and trimmed. A generation that starts with a newline has an empty answer line.
// - exact: answer line === expected number as written in the book (`6123456789` / `612-345-6789`).
// - per-digit accuracy: the ASCII digits of the answer line, in order (other characters ignored),
//   compared position by position with the 10 expected digits; a missing digit is wrong, extra
//   digits are ignored; digitAccuracy = digits right / 10. It shows the "fuzzy memory" of SSMs:
//   a wrong answer with several right digits.
// - retrieved: a wrong answer that is another entry's number, all its 10 digits right under the
//   per-digit rule above (so `612 345 6789` and `612-345-6789` are the same number): a clean
//   look-up of the wrong entry rather than a fuzzy memory. Names split at their first space into
//   first and last name (book.ts writes `First Last`), so a retrieval can say which name it shares
//   with the target.
import type { Tokenizer } from '../tokenizer';
import type { BookEntry } from './book';
import type { PhonebookPrompt } from './generate';

export interface AnswerScore {
  /** The first generated line, whitespace normalised. */
  line: string;
  exact: boolean;
  digitsRight: number;
  /** digitsRight / number of digits in the expected answer (10). */
  digitAccuracy: number;
}

export function answerLine(generated: string): string {
  const nl = generated.indexOf('\n');
  return (nl < 0 ? generated : generated.slice(0, nl)).split(/\s+/).filter(Boolean).join(' ');
}

/** The ASCII digits of a line, in order: what per-digit accuracy compares. */
export const digitsOf = (s: string) => s.replace(/[^0-9]/g, '');

/** One expected digit against the answer line's digit at the same place (the per-digit rule), and
 *  which generated token wrote that digit (null when there is none, or the tokens were not given). */
export interface DigitMark { expected: string; got: string; right: boolean; token: number | null }

/**
 * For each ASCII digit of the answer line, in order, the generated token that wrote it, from the
 * generated tokens' texts (`pieces`, whose concatenation is the generated text). A BPE token may
 * write several digits (" 612" writes 6, 1 and 2), a word-level one writes one.
 */
export function digitTokens(pieces: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const nl = pieces[i].indexOf('\n');
    for (const c of nl < 0 ? pieces[i] : pieces[i].slice(0, nl)) if (c >= '0' && c <= '9') out.push(i);
    if (nl >= 0) break; // the answer line ends here
  }
  return out;
}

/** The score with the per-digit rule digit by digit: what digitAccuracy counts and the answer panel
 *  marks (each expected digit against the answer line's digit at the same place, with the token
 *  that wrote it when the generated tokens' texts are given). */
export function markAnswer(generated: string, answer: string, pieces?: readonly string[]): { score: AnswerScore; marks: DigitMark[] } {
  const line = answerLine(generated);
  const got = digitsOf(line);
  const writers = pieces ? digitTokens(pieces) : [];
  const marks = Array.from(digitsOf(answer), (d, i) => ({ expected: d, got: got[i] ?? '', right: got[i] === d, token: writers[i] ?? null }));
  const digitsRight = marks.filter((m) => m.right).length;
  return { score: { line, exact: line === answer, digitsRight, digitAccuracy: marks.length ? digitsRight / marks.length : 0 }, marks };
}

export function scoreAnswer(generated: string, answer: string): AnswerScore {
  return markAnswer(generated, answer).score;
}

/** The other entry a wrong answer's digits spell, and which half of the target's name it shares. */
export interface Retrieved {
  entry: number;
  sharesFirst: boolean;
  sharesLast: boolean;
}

function splitName(name: string): [first: string, last: string] {
  const sp = name.indexOf(' ');
  return sp < 0 ? [name, ''] : [name.slice(0, sp), name.slice(sp + 1)];
}

/** The entry other than `target` whose number the answer line spells; null for an exact answer or
 * when the line's digits are no other entry's number. */
export function retrievedEntry(line: string, exact: boolean, entries: Pick<BookEntry, 'name' | 'number'>[], target: number): Retrieved | null {
  if (exact) return null;
  const got = digitsOf(line);
  const entry = entries.findIndex((e, i) => i !== target && got.startsWith(digitsOf(e.number)));
  if (entry < 0) return null;
  const [first, last] = splitName(entries[entry].name);
  const [targetFirst, targetLast] = splitName(entries[target].name);
  return { entry, sharesFirst: first === targetFirst, sharesLast: last === targetLast };
}

/** scoreAnswer plus what a wrong answer is, for a prompt whose book is known. */
export function scoreInBook(generated: string, answer: string, entries: Pick<BookEntry, 'name' | 'number'>[], target: number): AnswerScore & { retrieved: Retrieved | null } {
  const score = scoreAnswer(generated, answer);
  return { ...score, retrieved: retrievedEntry(score.line, score.exact, entries, target) };
}

/** Generated ids (without the prompt) and the log-prob the model gave each. */
export interface GreedyResult {
  ids: number[];
  logprobs: number[];
}

/**
 * Greedy continuation of `promptIds`, at most `maxNew` tokens, stopping after a token for which
 * `stopAt` is true (that token included). Hosts adapt the engine's generateGreedy to this, so the
 * phonebook lab runs on any model, layout or even a scripted stand-in in tests.
 */
export type GreedyDecode = (promptIds: number[], maxNew: number, stopAt: (id: number) => boolean) => GreedyResult | Promise<GreedyResult>;

export interface SampleScore extends AnswerScore {
  seed: number;
  entries: number;
  /** Prompt length in the model's tokens. */
  promptTokens: number;
  target: number;
  /** Where the target sits, 0 (first entry) … 1 (last). */
  depth: number;
  answer: string;
  generated: string;
  generatedIds: number[];
  logprobs: number[];
  /** A wrong answer that is another entry's number; null otherwise. */
  retrieved: Retrieved | null;
}

/** Ends the answer line: any token whose text holds a newline (word-level `\n`, BPE `.\n`, …). */
export function newlineStopper(tokenizer: Tokenizer): (id: number) => boolean {
  const memo = new Map<number, boolean>();
  return (id) => {
    let stop = memo.get(id);
    if (stop === undefined) {
      stop = tokenizer.decode([id]).includes('\n');
      memo.set(id, stop);
    }
    return stop;
  };
}

/** The decoding bound: the expected completion's tokens plus a margin of 4, so a wrong answer that
 * never ends its line still stops. */
export function answerBudget(prompt: PhonebookPrompt, tokenizer: Tokenizer): number {
  return tokenizer.encode(prompt.completion).ids.length + 4;
}

export async function scorePrompt(
  prompt: PhonebookPrompt,
  tokenizer: Tokenizer,
  decode: GreedyDecode,
  stopAt: (id: number) => boolean = newlineStopper(tokenizer),
): Promise<SampleScore> {
  const ids = prompt.tokens?.ids ?? tokenizer.encode(prompt.text).ids;
  const out = await decode(ids, answerBudget(prompt, tokenizer), stopAt);
  const generated = tokenizer.decode(out.ids);
  const n = prompt.entries.length;
  return {
    seed: prompt.seed,
    entries: n,
    promptTokens: ids.length,
    target: prompt.target,
    depth: n > 1 ? prompt.target / (n - 1) : 0,
    answer: prompt.answer,
    generated,
    generatedIds: out.ids,
    logprobs: out.logprobs,
    ...scoreInBook(generated, prompt.answer, prompt.entries, prompt.target),
  };
}
