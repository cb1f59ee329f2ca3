// Reading `--ids <ids.json>`: a JSON array of integer token ids, from a file or, for `-`, from
// standard input (so ids can be piped in: `... | hybridscope forward <dir> --ids - --out -`).
import { CheckpointError } from '../errors';
import type { CliIO } from './command';
import { readJsonFile } from './node-files';

const EXPECTED = 'an array of token ids';

async function readStdinJson(io: CliIO): Promise<unknown> {
  if (!io.stdin) throw new CheckpointError('stdin', 'standard input cannot be read here');
  const bytes = await io.stdin();
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new CheckpointError('stdin', `not valid JSON (expected ${EXPECTED})`);
  }
}

export async function readIds(file: string, io: CliIO, vocabSize?: number): Promise<number[]> {
  const ids = file === '-' ? await readStdinJson(io) : await readJsonFile(file, EXPECTED);
  const name = file === '-' ? 'stdin' : file;
  if (!Array.isArray(ids) || ids.length === 0) throw new CheckpointError(name, 'expected a non-empty JSON array of token ids');
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0) throw new CheckpointError(name, `entry ${i} (${JSON.stringify(id)}) is not a non-negative integer`);
    if (vocabSize !== undefined && id >= vocabSize) throw new CheckpointError(name, `token id ${id} at index ${i} is outside the vocabulary 0..${vocabSize - 1}`);
  });
  return ids as number[];
}
