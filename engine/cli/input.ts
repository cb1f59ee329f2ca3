// A JSON file named on the command line (--ids, --names), or for `-` standard input, so input can be
// piped in (clig.dev). Failures are one line naming the file, or `stdin`.
import { CheckpointError } from '../errors';
import type { CliIO } from './command';
import { readJsonFile } from './node-files';

/** How messages name an input: its path, or `stdin` for `-`. */
export const inputName = (file: string) => (file === '-' ? 'stdin' : file);

/** The parsed JSON; `expected` says what it should hold. */
export async function readJsonInput(file: string, io: CliIO, expected: string): Promise<unknown> {
  if (file !== '-') return readJsonFile(file, expected);
  if (!io.stdin) throw new CheckpointError('stdin', 'standard input cannot be read here');
  const bytes = await io.stdin();
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new CheckpointError('stdin', `not valid JSON (expected ${expected})`);
  }
}
