// Atomic file writes for the Node hosts (the CLI's --out files; the desktop app's experiments, figures
// and recent list): write a temporary file next to the target with the target's permissions, fsync it,
// rename it over the target, then fsync the folder, so that a crash, a power cut or a full disk leaves
// either the old file or the new one, never half of one, and a finished write stays written.
// `openAtomicFile` does the same for a file written in pieces (a trace as its run streams).
// By hand rather than npm's write-file-atomic: that one never fsyncs the folder after its rename
// (without it the new name itself may be lost in a power cut), and it is not a dependency here.
import { randomBytes } from 'node:crypto';
import { open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const file = await openAtomicFile(path);
  try {
    await file.write(data);
  } catch (e) {
    await file.abort();
    throw e;
  }
  await file.commit();
}

/** A file written in pieces (a trace as its run streams) with the same promise as writeFileAtomic:
 *  the pieces go to the temporary file, and only `commit` puts it in place. Either `commit` or
 *  `abort` must end it; a failed commit cleans up as abort does. */
export interface AtomicFile {
  write(data: string | Uint8Array): Promise<void>;
  /** fsync, close, rename over the target, fsync the folder. */
  commit(): Promise<void>;
  /** Closes and removes the temporary file; the target stays as it was. */
  abort(): Promise<void>;
}

export async function openAtomicFile(path: string): Promise<AtomicFile> {
  const target = await replacedFile(path);
  const existing = await stat(target).catch(() => undefined);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(temp, 'wx', 0o666);
  let isOpen = true;
  const close = async () => {
    if (isOpen) {
      isOpen = false;
      await fh.close();
    }
  };
  const abort = async () => {
    await close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  };
  try {
    // an existing file keeps its permissions (a private 0600 file stays private; no setuid bits);
    // chmod, because open's mode is narrowed by the umask
    if (existing) await fh.chmod(existing.mode & 0o777);
  } catch (e) {
    await abort();
    throw e;
  }
  return {
    // writeFile on a handle appends at its position, and writes the whole piece
    write: (data) => fh.writeFile(data),
    async commit() {
      try {
        await fh.sync();
        await close();
        await rename(temp, target);
      } catch (e) {
        await abort();
        throw e;
      }
      await syncFolder(dirname(target));
    },
    abort,
  };
}

/** The file a write replaces: a symlink stays a symlink, and the file it points to — existing or
 *  not yet — is the one written. */
async function replacedFile(path: string): Promise<string> {
  const link = await readlink(path).catch(() => undefined);
  if (link === undefined) return path;
  return realpath(path).catch(() => resolve(dirname(path), link));
}

/** Makes the rename durable. Windows cannot open a folder for this (and NTFS journals the rename);
 *  a file system without fsync on folders says EINVAL or ENOTSUP, and has nothing more to offer. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw e;
  } finally {
    await fh.close();
  }
}
