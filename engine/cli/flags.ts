// The flags several commands share, defined once (their help lines included), and flag values checked
// the one way every command checks them: a bad value is a UsageError naming the flag and what it takes.
import { FORMATS, VARIANTS } from '../phonebook/templates';
import { UsageError, type Flag } from './command';

export const SHARED_FLAGS = {
  layout: { type: 'string', value: 'S', absent: "the checkpoint's own", help: 'an edited layer order in the layout notation, e.g. M*M-' },
  variant: { type: 'string', value: VARIANTS.join('|'), default: 'standard', help: 'book then query, or the query first' },
  format: { type: 'string', value: FORMATS.join('|'), default: 'question', help: '`Name:` then 10 digits, or the study\'s question and NNN-NNN-NNNN' },
  shots: { type: 'string', value: 'N', default: '2', help: 'few-shot examples before the query' },
} satisfies Record<string, Flag>;

export function positiveList(flag: string, value: unknown): number[] {
  const items = String(value).split(',').map((s) => Number(s.trim()));
  if (!items.length || items.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${flag} must be positive integers separated by commas, got "${value}"`);
  return items;
}

export function integer(flag: string, value: unknown, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function choice<T extends string>(flag: string, value: unknown, options: readonly T[]): T {
  if (!options.includes(value as T)) throw new UsageError(`--${flag} must be ${options.join(' or ')}, got "${value}"`);
  return value as T;
}
