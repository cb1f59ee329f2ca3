// Sweep results as files: CSV (one row per point) and the CLI's JSON shape (README.md).
import { formatCsv } from '../io/csv';
import type { SweepPoint, SweepResult } from './sweep';

const COLUMNS: (keyof SweepPoint)[] = [
  'model',
  'layout',
  'format',
  'variant',
  'entries',
  'tokens',
  'depth',
  'samples',
  'meanEntries',
  'meanTokens',
  'accuracy',
  'digitAccuracy',
  'wrongDigitAccuracy',
  'wrongOtherEntry',
  'wrongSameName',
];

const HEADER: Record<string, string> = {
  meanEntries: 'mean_entries',
  meanTokens: 'mean_tokens',
  digitAccuracy: 'digit_accuracy',
  wrongDigitAccuracy: 'wrong_digit_accuracy',
  wrongOtherEntry: 'wrong_other_entry',
  wrongSameName: 'wrong_same_name',
};

export function sweepToCsv(result: SweepResult): string {
  return formatCsv([COLUMNS.map((c) => HEADER[c] ?? c), ...result.points.map((p) => COLUMNS.map((c) => p[c]))]);
}

/** One model/layout, one format and variant: `{"model","layout","variant","format","seed","results":[…]}`. */
export interface CliReport {
  model: string;
  layout: string;
  variant: string;
  format: string;
  seed: number;
  depth: number | null;
  cancelled: boolean;
  results: { entries: number; tokens: number | null; depth: number | null; mean_tokens: number; samples: number; accuracy: number; digit_accuracy: number; wrong_digit_accuracy: number | null;
    /** Shares of the wrong answers that are another entry's number / another entry sharing a name with the target. */
    wrong_other_entry: number | null; wrong_same_name: number | null }[];
}

export function cliReport(result: SweepResult, head: Omit<CliReport, 'results' | 'seed' | 'cancelled'>): CliReport {
  return {
    ...head,
    seed: result.seed,
    cancelled: result.cancelled,
    results: result.points.map((p) => ({
      entries: p.entries ?? p.meanEntries,
      tokens: p.tokens,
      depth: p.depth,
      mean_tokens: p.meanTokens,
      samples: p.samples,
      accuracy: p.accuracy,
      digit_accuracy: p.digitAccuracy,
      wrong_digit_accuracy: p.wrongDigitAccuracy,
      wrong_other_entry: p.wrongOtherEntry,
      wrong_same_name: p.wrongSameName,
    })),
  };
}
