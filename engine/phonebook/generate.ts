// makePhonebook: the public generator. A book of `entries` lines, or the longest book whose prompt
// fits a token budget under a model's own tokenizer; with a tokenizer every span also comes as a
// token span. The character-level layout and draw order live in book.ts.
import type { Tokenizer } from '../tokenizer';
import { layoutPhonebook, shown, type BookPrompt, type BookSpec, type Span } from './book';
import { DEFAULT_NAMES, type NameList } from './names';
import type { PhonebookFormat, PhonebookVariant } from './templates';

export interface PhonebookSpec {
  format: PhonebookFormat;
  variant: PhonebookVariant;
  /** Book length in entries; give this or `tokens`. */
  entries?: number;
  /** Token budget for the whole prompt (needs a tokenizer): the longest book that fits. */
  tokens?: number;
  /** Target depth 0–1; omitted or null: a uniformly random entry. */
  depth?: number | null;
  /** Few-shot look-ups after the book; default 2 as in the study. */
  shots?: number;
  /** Names to draw from; default assets/phonebook/names.json. */
  names?: NameList;
}

export interface EntryTokens {
  span: Span;
  nameSpan: Span;
  numberSpan: Span;
}

/** The prompt under a tokenizer: ids, offsets, and the token span of every part. */
export interface PromptTokens {
  ids: number[];
  offsets: Span[];
  entries: EntryTokens[];
  lookups: { span: Span; numberSpan: Span }[];
  query: Span;
  request: Span | null;
}

export interface PhonebookPrompt extends BookPrompt {
  /** The token budget the book was fitted to, or null when the length was given in entries. */
  budget: number | null;
  /** Present when a tokenizer was given. */
  tokens?: PromptTokens;
}

export const DEFAULT_SHOTS = 2;

export function makePhonebook(spec: PhonebookSpec, seed: number, tokenizer?: Tokenizer): PhonebookPrompt {
  if (spec === null || typeof spec !== 'object') throw new Error(`phonebook: the spec must be an object, got ${shown(spec)}`);
  const names = spec.names ?? DEFAULT_NAMES;
  const book = (entries: number): BookSpec => ({
    format: spec.format,
    variant: spec.variant,
    entries,
    depth: spec.depth ?? null,
    shots: spec.shots ?? DEFAULT_SHOTS,
  });
  if ((spec.entries === undefined) === (spec.tokens === undefined))
    throw new Error('phonebook: give the length as entries or as tokens (one of them)');
  if (spec.entries !== undefined) {
    const prompt = layoutPhonebook(book(spec.entries), seed, names);
    return { ...prompt, budget: null, tokens: tokenizer ? tokenSpans(prompt, tokenizer) : undefined };
  }
  if (!tokenizer) throw new Error('phonebook: a token budget needs a tokenizer');
  const budget = spec.tokens as number;
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`phonebook: tokens must be a positive integer, got ${shown(budget)}`);
  const fitted = fitTokenBudget((n) => layoutPhonebook(book(n), seed, names), budget, tokenizer, names);
  return { ...fitted.prompt, budget, tokens: fitted.tokens };
}

/**
 * The longest book whose prompt has at most `budget` tokens. Books made from one seed extend each
 * other (book.ts), so the count grows with the entries and the search brackets it by doubling, then
 * bisects; the result is short of the budget by less than the next entry and its look-up changes.
 */
function fitTokenBudget(
  make: (entries: number) => BookPrompt,
  budget: number,
  tokenizer: Tokenizer,
  names: NameList,
): { prompt: BookPrompt; tokens: PromptTokens } {
  const capacity = names.first.length * names.last.length;
  const cache = new Map<number, { prompt: BookPrompt; tokens: PromptTokens }>();
  const at = (n: number) => {
    let hit = cache.get(n);
    if (!hit) {
      const prompt = make(n);
      hit = { prompt, tokens: tokenSpans(prompt, tokenizer) };
      cache.set(n, hit);
    }
    return hit;
  };
  const fits = (n: number) => at(n).tokens.ids.length <= budget;
  if (!fits(1)) throw new Error(`phonebook: a token budget of ${budget} is below the one-entry prompt (${at(1).tokens.ids.length} tokens)`);
  let lo = 1;
  let hi = 2;
  while (hi <= capacity && fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > capacity) {
    if (fits(capacity)) return at(capacity);
    hi = capacity;
  }
  while (hi - lo > 1) {
    // invariant: fits(lo) and not fits(hi)
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return at(lo);
}

export function tokenSpans(prompt: BookPrompt, tokenizer: Tokenizer): PromptTokens {
  const { ids, offsets } = tokenizer.encode(prompt.text);
  const toTokens = (span: Span): Span => charSpanToTokens(offsets, span);
  return {
    ids,
    offsets,
    entries: prompt.entries.map((e) => ({ span: toTokens(e.span), nameSpan: toTokens(e.nameSpan), numberSpan: toTokens(e.numberSpan) })),
    lookups: prompt.lookups.map((l) => ({ span: toTokens(l.span), numberSpan: toTokens(l.numberSpan) })),
    query: toTokens(prompt.query),
    request: prompt.request ? toTokens(prompt.request) : null,
  };
}

/**
 * The tokens that overlap a character span: from the first token ending after span[0] to the
 * last token starting before span[1]. Offsets are sorted (tokens follow the text left to right).
 */
export function charSpanToTokens(offsets: Span[], span: Span): Span {
  const first = lowerBound(offsets.length, (i) => offsets[i][1] > span[0]);
  const end = lowerBound(offsets.length, (i) => offsets[i][0] >= span[1]);
  return [first, Math.max(first, end)];
}

/** Smallest i in [0, n) with pred(i) true (pred monotone false…true), or n. */
function lowerBound(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
