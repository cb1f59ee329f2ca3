// FileSource over a folder on disk (Node): the engine host reads bundled models and user-picked
// folders through it, and the Node test host uses it too. Only plain files inside the folder are
// reachable: names are relative, without `..`, and symlinks that leave the folder are refused.
import { open, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import type { FileSource } from '../engine/io/files';

export function nodeFolderSource(dir: string, name = basename(dir)): FileSource {
  const resolve = async (file: string): Promise<string> => {
    if (isAbsolute(file) || file.split(/[\\/]/).includes('..')) throw new Error(`${name}/${file}: path leaves the folder`);
    const full = await realpath(join(dir, file));
    const rel = relative(await realpath(dir), full);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new Error(`${name}/${file}: path leaves the folder`);
    return full;
  };
  const readRange = async (file: string, start: number, end: number): Promise<Uint8Array> => {
    const fh = await open(await resolve(file), 'r');
    try {
      const out = new Uint8Array(Math.max(0, end - start));
      const { bytesRead } = await fh.read(out, 0, out.length, start);
      return out.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  };
  return {
    name,
    async has(file) {
      try {
        return (await stat(await resolve(file))).isFile();
      } catch {
        return false;
      }
    },
    async read(file) {
      const full = await resolve(file);
      const size = (await stat(full)).size;
      return readRange(file, 0, size);
    },
    readRange,
    size: async (file) => (await stat(await resolve(file))).size,
  };
}
