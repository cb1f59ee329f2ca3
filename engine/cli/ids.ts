// Reading `--ids <ids.json>`: a JSON array of integer token ids.
import { readFile } from 'node:fs/promises';
import { CheckpointError } from '../errors';

export async function readIds(file: string, vocabSize?: number): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CheckpointError(file, 'cannot read the ids file');
  }
  let ids: unknown;
  try {
    ids = JSON.parse(text);
  } catch {
    throw new CheckpointError(file, 'not valid JSON (expected an array of token ids)');
  }
  if (!Array.isArray(ids) || ids.length === 0) throw new CheckpointError(file, 'expected a non-empty JSON array of token ids');
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0) throw new CheckpointError(file, `entry ${i} (${JSON.stringify(id)}) is not a non-negative integer`);
    if (vocabSize !== undefined && id >= vocabSize) throw new CheckpointError(file, `token id ${id} at index ${i} is outside the vocabulary 0..${vocabSize - 1}`);
  });
  return ids as number[];
}
