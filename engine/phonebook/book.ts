// The character-level phonebook: draws the book from a seed and lays out the prompt with the
// span of every part. training/phonebook.py (`make_phonebook`) is its line-by-line twin.
//
// Draw order (three independent streams, so a longer book extends a shorter one with the same seed;
// the token-budget search relies on that):
//   names   = Rng(deriveSeed(seed, 1)): a partial Fisher–Yates shuffle of the F·L name pairs
//   numbers = Rng(deriveSeed(seed, 2)): per entry, first digit 6 + below(4), then 9 × below(10)
//   layout  = Rng(deriveSeed(seed, 3)): the target (below(N) when no depth is given), then one
//             few-shot example from each of k even segments of the N − 1 non-target entries
import { Rng, deriveSeed } from './prng';
import { DEFAULT_NAMES, type NameList } from './names';
import {
  ANSWER_PREFIX,
  FORMATS,
  VARIANTS,
  formatNumber,
  questionLine,
  requestLine,
  type PhonebookFormat,
  type PhonebookVariant,
} from './templates';

/** [start, end) offsets into the prompt text (characters) or its ids (tokens). */
export type Span = [number, number];

export interface BookSpec {
  format: PhonebookFormat;
  variant: PhonebookVariant;
  /** Number of book entries, 1 … first × last. */
  entries: number;
  /** Target position as a fraction 0–1 of the book (0 first entry, 1 last); null: uniform random. */
  depth: number | null;
  /** Few-shot look-ups after the book (the study uses 2); capped at entries − 1. */
  shots: number;
}

export interface BookEntry {
  name: string;
  /** As written in the prompt: 10 digits (bare) or NNN-NNN-NNNN (question). */
  number: string;
  /** The line without its newline, the name, and the number. */
  span: Span;
  nameSpan: Span;
  numberSpan: Span;
}

/** A few-shot look-up after the book: bare `Name: number`, or the question line and `Answer: number`. */
export interface Lookup {
  entry: number;
  span: Span;
  numberSpan: Span;
}

export interface BookPrompt {
  seed: number;
  spec: BookSpec;
  text: string;
  /** The expected answer: the target's number as written in its book line. */
  answer: string;
  /** What a perfect model writes after the prompt: a space, the answer, a newline. */
  completion: string;
  entries: BookEntry[];
  /** Index of the target entry. */
  target: number;
  /** Indices of the few-shot entries, in the order they are asked after the book. */
  examples: number[];
  lookups: Lookup[];
  /** The final query: `<target>:` (bare) or the last question line through `Answer:` (question). */
  query: Span;
  /** Reversed variant: the opening request line; null otherwise. */
  request: Span | null;
  /** Training targets in text + completion: each look-up's number, then the target's answer. */
  supervised: Span[];
}

export function validateBookSpec(spec: BookSpec, names: NameList): void {
  if (!FORMATS.includes(spec.format)) throw new Error(`phonebook: unknown format ${JSON.stringify(spec.format)} (bare or question)`);
  if (!VARIANTS.includes(spec.variant)) throw new Error(`phonebook: unknown variant ${JSON.stringify(spec.variant)} (standard or reversed)`);
  const capacity = names.first.length * names.last.length;
  if (!Number.isInteger(spec.entries) || spec.entries < 1 || spec.entries > capacity)
    throw new Error(`phonebook: entries must be an integer 1…${capacity}, got ${shown(spec.entries)}`);
  if (spec.depth !== null && !(Number.isFinite(spec.depth) && spec.depth >= 0 && spec.depth <= 1))
    throw new Error(`phonebook: depth must be a fraction 0…1, got ${shown(spec.depth)}`);
  if (!Number.isInteger(spec.shots) || spec.shots < 0) throw new Error(`phonebook: shots must be an integer ≥ 0, got ${shown(spec.shots)}`);
}

/** A spec value as a refusal quotes it: numbers as written, anything else as (short) JSON, one line. */
export function shown(v: unknown): string {
  const s = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Appends text and hands back the span each piece lands on. */
class TextBuilder {
  text = '';
  push(piece: string): Span {
    const start = this.text.length;
    this.text += piece;
    return [start, this.text.length];
  }
}

function drawNames(rng: Rng, count: number, names: NameList): string[] {
  const total = names.first.length * names.last.length;
  // Partial Fisher–Yates over the virtual array 0 … total−1; `moved` holds only the swapped slots.
  const moved = new Map<number, number>();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + rng.below(total - i);
    const pick = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    out.push(`${names.first[Math.floor(pick / names.last.length)]} ${names.last[pick % names.last.length]}`);
  }
  return out;
}

function drawDigits(rng: Rng): string {
  let digits = String(6 + rng.below(4));
  for (let i = 1; i < 10; i++) digits += String(rng.below(10));
  return digits;
}

function pickExamples(rng: Rng, count: number, target: number, shots: number): number[] {
  const others: number[] = [];
  for (let i = 0; i < count; i++) if (i !== target) others.push(i);
  const k = Math.min(shots, others.length);
  const examples: number[] = [];
  for (let j = 0; j < k; j++) {
    const lo = Math.floor((j * others.length) / k);
    const hi = Math.floor(((j + 1) * others.length) / k);
    examples.push(others[lo + rng.below(hi - lo)]);
  }
  return examples;
}

export function layoutPhonebook(spec: BookSpec, seed: number, names: NameList = DEFAULT_NAMES): BookPrompt {
  validateBookSpec(spec, names);
  const nameRng = new Rng(deriveSeed(seed, 1));
  const numberRng = new Rng(deriveSeed(seed, 2));
  const layoutRng = new Rng(deriveSeed(seed, 3));
  const n = spec.entries;
  const bookNames = drawNames(nameRng, n, names);
  const numbers = bookNames.map(() => formatNumber(drawDigits(numberRng), spec.format));
  const target = spec.depth === null ? layoutRng.below(n) : Math.floor(spec.depth * (n - 1) + 0.5);
  const examples = pickExamples(layoutRng, n, target, spec.shots);
  const targetName = bookNames[target];

  const b = new TextBuilder();
  let request: Span | null = null;
  if (spec.variant === 'reversed') {
    request = b.push(requestLine(targetName));
    b.push('\n\n');
  }
  const entries: BookEntry[] = bookNames.map((name, i) => {
    const nameSpan = b.push(name);
    b.push(': ');
    const numberSpan = b.push(numbers[i]);
    b.push('\n');
    return { name, number: numbers[i], span: [nameSpan[0], numberSpan[1]], nameSpan, numberSpan };
  });

  const lookups: Lookup[] = [];
  let query: Span;
  if (spec.format === 'bare') {
    if (examples.length > 0) {
      b.push('\n');
      for (const e of examples) {
        const start = b.push(`${bookNames[e]}: `)[0];
        const numberSpan = b.push(numbers[e]);
        b.push('\n');
        lookups.push({ entry: e, span: [start, numberSpan[1]], numberSpan });
      }
    }
    b.push('\n');
    query = b.push(`${targetName}:`);
  } else {
    for (const e of examples) {
      const start = b.push(`${questionLine(bookNames[e])}\n${ANSWER_PREFIX} `)[0];
      const numberSpan = b.push(numbers[e]);
      b.push('\n');
      lookups.push({ entry: e, span: [start, numberSpan[1]], numberSpan });
    }
    query = b.push(`${questionLine(targetName)}\n${ANSWER_PREFIX}`);
  }

  const answer = numbers[target];
  const answerStart = b.text.length + 1; // after the completion's leading space
  return {
    seed,
    spec: { ...spec },
    text: b.text,
    answer,
    completion: ` ${answer}\n`,
    entries,
    target,
    examples,
    lookups,
    query,
    request,
    supervised: [...lookups.map((l) => l.numberSpan), [answerStart, answerStart + answer.length]],
  };
}
