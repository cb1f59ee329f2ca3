// Reading `--ids <ids.json>`: a JSON array of integer token ids, from a file or, for `-`, from
// standard input (`... | hybridscope forward <dir> --ids - --out -`).
import { CheckpointError } from '../errors';
import type { CliIO } from './command';
import { inputName, readJsonInput } from './input';

export async function readIds(file: string, io: CliIO, vocabSize?: number): Promise<number[]> {
  const ids = await readJsonInput(file, io, 'an array of token ids');
  const name = inputName(file);
  if (!Array.isArray(ids) || ids.length === 0) throw new CheckpointError(name, 'expected a non-empty JSON array of token ids');
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0) throw new CheckpointError(name, `entry ${i} (${JSON.stringify(id)}) is not a non-negative integer`);
    if (vocabSize !== undefined && id >= vocabSize) throw new CheckpointError(name, `token id ${id} at index ${i} is outside the vocabulary 0..${vocabSize - 1}`);
  });
  return ids as number[];
}
