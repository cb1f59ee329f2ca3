// A FileSource over a folder on disk, for the Node hosts (CLI, tests). Paths are relative to the
// folder; anything that would escape it is refused.
import { open, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { CheckpointError } from '../errors';
import type { FileSource } from '../io/files';

export function nodeSource(dir: string): FileSource {
  const name = dir.replace(/\/+$/, '') || dir;
  const resolve = (file: string): string => {
    const rel = normalize(file);
    if (isAbsolute(rel) || rel.startsWith('..')) throw new CheckpointError(join(name, file), 'path escapes the model folder');
    return join(dir, rel);
  };
  return {
    name,
    async has(file) {
      try {
        return (await stat(resolve(file))).isFile();
      } catch {
        return false;
      }
    },
    async read(file) {
      return new Uint8Array(await readFile(resolve(file)));
    },
    async readRange(file, start, end) {
      const handle = await open(resolve(file), 'r');
      try {
        const buf = new Uint8Array(Math.max(0, end - start));
        const { bytesRead } = await handle.read(buf, 0, buf.length, start);
        return buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async size(file) {
      return (await stat(resolve(file))).size;
    },
  };
}

/** A folder that exists, or a one-line error naming it. */
export async function modelFolder(dir: string): Promise<FileSource> {
  const info = await stat(dir).catch(() => {
    throw new CheckpointError(dir, 'no such folder');
  });
  if (!info.isDirectory()) throw new CheckpointError(dir, 'not a folder');
  return nodeSource(dir);
}
