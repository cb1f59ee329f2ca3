// Recall sweeps: models/layouts × formats × variants × lengths × depths × samples, scored one prompt
// at a time, with progress (done/total, ETA) and cancellation between samples.
//
// Sample k of every point uses the seed deriveSeed(seed, k), so all models, layouts, variants and
// lengths see the same books (a longer book extends a shorter one): differences are paired.
import type { Tokenizer } from '../tokenizer';
import { makePhonebook } from './generate';
import type { NameList } from './names';
import { deriveSeed } from './prng';
import { digitsOf, newlineStopper, scorePrompt, type GreedyDecode, type SampleScore } from './score';
import type { PhonebookFormat, PhonebookVariant } from './templates';

/** The part of AbortSignal a sweep needs; an AbortSignal fits, no DOM types required. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface SweepModel {
  /** A name for the results: the bundled id or the folder. */
  id: string;
  layout: string;
  tokenizer: Tokenizer;
  decode: GreedyDecode;
}

export type SweepLength = { entries: number } | { tokens: number };

export interface SweepSpec {
  models: SweepModel[];
  lengths: SweepLength[];
  formats?: PhonebookFormat[];
  variants?: PhonebookVariant[];
  /** Target depths 0–1; null: a random entry per sample. Default [null]. */
  depths?: (number | null)[];
  samples: number;
  seed: number;
  shots?: number;
  names?: NameList;
}

export interface PointKey {
  model: string;
  layout: string;
  format: PhonebookFormat;
  variant: PhonebookVariant;
  /** Book length in entries, or null when the point is a token budget. */
  entries: number | null;
  tokens: number | null;
  depth: number | null;
}

export interface SweepPoint extends PointKey {
  samples: number;
  accuracy: number;
  digitAccuracy: number;
  /** Per-digit accuracy over the wrong answers only (the "fuzzy memory"); null when all were right. */
  wrongDigitAccuracy: number | null;
  /** Share of the wrong answers that are another entry's number (retrieved the wrong entry cleanly);
   * null when all were right. */
  wrongOtherEntry: number | null;
  /** Share of the wrong answers that are another entry sharing the target's first or last name. */
  wrongSameName: number | null;
  meanTokens: number;
  meanEntries: number;
}

export interface SweepProgress {
  done: number;
  total: number;
  elapsedMs: number;
  /** Estimated time to finish: the time so far scaled by the work left, a sample's work taken as
   * proportional to its book length (prefill dominates, and it grows with the prompt). */
  etaMs: number;
  point: PointKey;
  sample: SampleScore;
  /** The point's summary, on the progress of the sample that completes it. */
  finished?: SweepPoint;
}

export interface SweepResult {
  seed: number;
  points: SweepPoint[];
  samples: (SampleScore & PointKey)[];
  done: number;
  total: number;
  cancelled: boolean;
  elapsedMs: number;
}

export interface SweepOptions {
  onProgress?: (p: SweepProgress) => void;
  signal?: CancelSignal;
  /** Awaited between samples so the host can handle events (Node: setImmediate; a worker: a
   * message-channel tick); the engine has no timers of its own. */
  pause?: () => Promise<void>;
  now?: () => number;
}

function pointKeys(spec: SweepSpec): PointKey[] {
  const keys: PointKey[] = [];
  for (const m of spec.models)
    for (const format of spec.formats ?? ['question'])
      for (const variant of spec.variants ?? ['standard'])
        for (const length of spec.lengths)
          for (const depth of spec.depths ?? [null])
            keys.push({
              model: m.id,
              layout: m.layout,
              format,
              variant,
              entries: 'entries' in length ? length.entries : null,
              tokens: 'tokens' in length ? length.tokens : null,
              depth,
            });
  return keys;
}

/** Relative cost of one sample of a point: its length in entries (a token budget counted at ~16
 * tokens per entry, the shipped tokenizer's entry length), plus one entry's worth for decoding. */
function work(key: PointKey): number {
  return (key.entries ?? (key.tokens ?? 0) / 16) + 1;
}

function summarise(key: PointKey, samples: SampleScore[]): SweepPoint {
  const sum = (f: (s: SampleScore) => number, of = samples) => of.reduce((a, s) => a + f(s), 0);
  const mean = (f: (s: SampleScore) => number) => sum(f) / samples.length;
  // pooled over all digits (a ratio of counts, so 42 of 60 prints as 0.7)
  const digits = (of: SampleScore[]) => sum((s) => s.digitsRight, of) / sum((s) => digitsOf(s.answer).length, of);
  const wrong = samples.filter((s) => !s.exact);
  const share = (f: (s: SampleScore) => boolean) => (wrong.length ? wrong.filter(f).length / wrong.length : null);
  return {
    ...key,
    samples: samples.length,
    accuracy: mean((s) => (s.exact ? 1 : 0)),
    digitAccuracy: digits(samples),
    wrongDigitAccuracy: wrong.length ? digits(wrong) : null,
    wrongOtherEntry: share((s) => s.retrieved !== null),
    wrongSameName: share((s) => s.retrieved !== null && (s.retrieved.sharesFirst || s.retrieved.sharesLast)),
    meanTokens: mean((s) => s.promptTokens),
    meanEntries: mean((s) => s.entries),
  };
}

export async function runSweep(spec: SweepSpec, opts: SweepOptions = {}): Promise<SweepResult> {
  if (!Number.isInteger(spec.samples) || spec.samples < 1) throw new Error(`phonebook: samples must be a positive integer, got ${spec.samples}`);
  if (spec.lengths.length === 0 || spec.models.length === 0) throw new Error('phonebook: a sweep needs at least one model and one length');
  const now = opts.now ?? Date.now;
  const start = now();
  const keys = pointKeys(spec);
  const total = keys.length * spec.samples;
  let workLeft = keys.reduce((a, k) => a + work(k) * spec.samples, 0);
  let workDone = 0;
  const result: SweepResult = { seed: spec.seed, points: [], samples: [], done: 0, total, cancelled: false, elapsedMs: 0 };
  const stoppers = new Map(spec.models.map((m) => [m.id + '\u0000' + m.layout, newlineStopper(m.tokenizer)]));

  outer: for (const key of keys) {
    const model = spec.models.find((m) => m.id === key.model && m.layout === key.layout)!;
    const scored: SampleScore[] = [];
    for (let k = 0; k < spec.samples; k++) {
      if (opts.signal?.aborted) {
        result.cancelled = true;
        if (scored.length) result.points.push(summarise(key, scored));
        break outer;
      }
      const prompt = makePhonebook(
        {
          format: key.format,
          variant: key.variant,
          entries: key.entries ?? undefined,
          tokens: key.tokens ?? undefined,
          depth: key.depth,
          shots: spec.shots,
          names: spec.names,
        },
        deriveSeed(spec.seed, k),
        model.tokenizer,
      );
      const sample = await scorePrompt(prompt, model.tokenizer, model.decode, stoppers.get(model.id + '\u0000' + model.layout));
      scored.push(sample);
      result.samples.push({ ...key, ...sample });
      result.done++;
      workDone += work(key);
      workLeft -= work(key);
      const elapsedMs = now() - start;
      const etaMs = result.done === total ? 0 : (elapsedMs / workDone) * workLeft;
      const finished = scored.length === spec.samples ? summarise(key, scored) : undefined;
      if (finished) result.points.push(finished);
      opts.onProgress?.({ done: result.done, total, elapsedMs, etaMs, point: key, sample, ...(finished ? { finished } : {}) });
      if (opts.pause) await opts.pause();
    }
  }
  result.elapsedMs = now() - start;
  return result;
}
