// Reading `--ids <ids.json>`: a JSON array of integer token ids.
import { CheckpointError } from '../errors';
import { readJsonFile } from './node-files';

export async function readIds(file: string, vocabSize?: number): Promise<number[]> {
  const ids = await readJsonFile(file, 'an array of token ids');
  if (!Array.isArray(ids) || ids.length === 0) throw new CheckpointError(file, 'expected a non-empty JSON array of token ids');
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0) throw new CheckpointError(file, `entry ${i} (${JSON.stringify(id)}) is not a non-negative integer`);
    if (vocabSize !== undefined && id >= vocabSize) throw new CheckpointError(file, `token id ${id} at index ${i} is outside the vocabulary 0..${vocabSize - 1}`);
  });
  return ids as number[];
}
