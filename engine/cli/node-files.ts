// A FileSource over a folder on disk, for every Node host: the CLI, the Electron utility process
// (bundled models and the folders a person picks) and the tests. Only plain files inside the folder
// are reachable: names are relative, without `..`, and a symlink that leaves the folder is refused
// (a picked folder is trusted as far as its own files, no further). Also the CLI's own input and
// output files (--ids, --names, --out). Every failure is a one-line error naming the file.
import { access, constants, open, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { CheckpointError } from '../errors';
import { openAtomicFile, writeFileAtomic, type AtomicFile } from './atomic-write';
import type { FileSource } from '../io/files';

/** Bytes per fs read (under Node's 2 GiB limit for one read). */
const READ_PIECE = 1 << 30;

/** `name` is how messages name the folder (the CLI: the path as typed; the desktop app: the
 *  folder's own name, which the page shows). */
export function nodeFolderSource(dir: string, name = basename(dir)): FileSource {
  const leaves = (file: string) => new CheckpointError(`${name}/${file}`, 'path leaves the folder');
  const resolve = async (file: string): Promise<string> => {
    if (isAbsolute(file) || file.split(/[\\/]/).includes('..')) throw leaves(file);
    // realpath follows symlinks: what counts is where the file really is
    const full = await realpath(join(dir, file));
    const rel = relative(await realpath(dir), full);
    if (isAbsolute(rel) || rel.split(sep).includes('..')) throw leaves(file);
    return full;
  };
  // One read at an offset, in pieces: a single fs read stops at 2 GiB, and may return fewer bytes
  // than asked; a file that ends first gives what it has.
  const readRange = async (file: string, start: number, end: number): Promise<Uint8Array> => {
    const handle = await open(await resolve(file), 'r');
    try {
      const buf = new Uint8Array(Math.max(0, end - start));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, Math.min(READ_PIECE, buf.length - done), start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    } finally {
      await handle.close();
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
      return new Uint8Array(await readFile(await resolve(file)));
    },
    readRange,
    size: async (file) => (await stat(await resolve(file))).size,
  };
}

/** One file named on the command line (a trace), as a FileSource whose messages name it as typed:
 *  range reads, so a file of many gigabytes is never read whole. */
export async function nodeFileSource(path: string): Promise<{ src: FileSource; file: string }> {
  const info = await stat(path).catch(() => {
    throw new CheckpointError(path, 'no such file');
  });
  if (!info.isFile()) throw new CheckpointError(path, 'not a file');
  const dir = dirname(path);
  return { src: nodeFolderSource(dir, path.includes('/') || path.includes(sep) ? dir : ''), file: basename(path) };
}

/** A folder that exists, or a one-line error naming it. */
export async function modelFolder(dir: string): Promise<FileSource> {
  const info = await stat(dir).catch(() => {
    throw new CheckpointError(dir, 'no such folder');
  });
  if (!info.isDirectory()) throw new CheckpointError(dir, 'not a folder');
  return nodeFolderSource(dir, dir.replace(/\/+$/, '') || dir);
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
    throw outFileError(file, e);
  }
}

/** A command's --out file written in pieces as they come (a trace), put in place whole by `commit`
 *  or not at all (`abort`, or a failed write or commit); errors name the file, as writeOutFile's do. */
export async function openOutFile(file: string): Promise<AtomicFile> {
  const f = await openAtomicFile(file).catch((e: unknown) => {
    throw outFileError(file, e);
  });
  const named = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (e) {
      await f.abort();
      throw outFileError(file, e);
    }
  };
  return { write: (data) => named(() => f.write(data)), commit: () => named(() => f.commit()), abort: () => f.abort() };
}

function outFileError(file: string, e: unknown): CheckpointError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CheckpointError(file, code === 'ENOENT' ? 'cannot write: no such folder' : `cannot write (${code ?? (e as Error).message})`);
}
