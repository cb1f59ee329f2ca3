// A FileSource over a folder on disk, for the Node hosts (CLI, tests). Paths are relative to the
// folder; anything that would escape it is refused. Also the CLI's own input and output files
// (--ids, --names, --out), whose failures are one-line errors naming the file.
import { access, constants, open, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { CheckpointError } from '../errors';
import { writeFileAtomic } from './atomic-write';
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

/** A JSON file named on the command line, parsed; `expected` says what it should hold. */
export async function readJsonFile(file: string, expected: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CheckpointError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read the file');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(file, `not valid JSON (expected ${expected})`);
  }
}

/** Checks, before any computing, that a command's --out file can be written where it is asked for. */
export async function checkOutFile(file: string): Promise<void> {
  const dir = dirname(file);
  const info = await stat(dir).catch(() => {
    throw new CheckpointError(file, 'cannot write: no such folder');
  });
  if (!info.isDirectory()) throw new CheckpointError(file, `cannot write: ${dir} is not a folder`);
  await access(dir, constants.W_OK).catch(() => {
    throw new CheckpointError(file, `cannot write: ${dir} is not writable`);
  });
}

/** Writes a command's --out file whole or not at all (writeFileAtomic), so an interrupted run never
 *  leaves a cut-off file where a finished one was. */
export async function writeOutFile(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(file, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(file, code === 'ENOENT' ? 'cannot write: no such folder' : `cannot write (${code ?? (e as Error).message})`);
  }
}
