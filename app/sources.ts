// FileSources the service builds itself from what hosts inject: a bundled model is a sub-folder of
// the bundled root (`models/<id>/`), files the page handed over are read through their blobs, and a
// recording wrapper hashes every whole file the engine reads (the model's content hash, no re-read).
import { utf8Encode, type FileSource } from '../engine';
import type { FileEntry } from './protocol';

/** `root` seen through `prefix/` (e.g. the bundled root seen as one model folder). */
export function subSource(root: FileSource, prefix: string, name = prefix): FileSource {
  const at = (file: string) => `${prefix}/${file}`;
  const src: FileSource = {
    name,
    has: (file) => root.has(at(file)),
    read: (file) => root.read(at(file)),
    readRange: (file, start, end) => root.readRange(at(file), start, end),
    size: (file) => root.size(at(file)),
  };
  return src;
}

/** Files the page handed over (a folder picked or dropped in the browser). Paths are relative to the
 *  model folder; a leading folder name shared by every file (webkitRelativePath) is stripped. */
export function filesSource(name: string, files: FileEntry[]): FileSource {
  const byPath = new Map<string, FileEntry['blob']>();
  const parts = files.map((f) => f.path.split('/').filter(Boolean));
  const first = parts[0]?.[0];
  const common = parts.length > 0 && parts.every((p) => p.length > 1 && p[0] === first);
  parts.forEach((p, i) => byPath.set((common ? p.slice(1) : p).join('/'), files[i].blob));
  const blob = (file: string) => {
    const b = byPath.get(file);
    if (!b) throw new Error(`${name}/${file}: no such file`);
    return b;
  };
  return {
    name,
    has: async (file) => byPath.has(file),
    read: async (file) => new Uint8Array(await blob(file).arrayBuffer()),
    readRange: async (file, start, end) => new Uint8Array(await blob(file).slice(start, end).arrayBuffer()),
    size: async (file) => blob(file).size,
  };
}

interface SubtleLike {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

/** Web Crypto where the host has it (browsers, workers, Node ≥ 20, Electron); app/ sees no DOM types. */
function subtle(): SubtleLike | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
}

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Wraps `src` so every byte the engine reads is digested: whole files, and the ranges weights are
 *  read in (a tensor at a time). `contentHash()` combines them in name and offset order (SHA-256
 *  over `name:sha256(file)` and `name[start,end):sha256(range)` lines), so it names the bytes the
 *  model was built from. One digest runs while the next range is read (Web Crypto works off this
 *  thread), never more, so a model of gigabytes is not held twice while it is hashed. */
export function hashingSource(src: FileSource): { source: FileSource; contentHash(): Promise<string> } {
  const digests = new Map<string, { file: string; start: number; digest: Promise<string> }>();
  const crypto = subtle();
  let previous: Promise<unknown> = Promise.resolve();
  const record = async (key: string, file: string, start: number, bytes: Uint8Array) => {
    if (!crypto || digests.has(key)) return;
    await previous;
    const digest = crypto.digest('SHA-256', bytes).then(hex);
    previous = digest;
    digests.set(key, { file, start, digest });
  };
  const source: FileSource = {
    ...src,
    read: async (file) => {
      const bytes = await src.read(file);
      await record(file, file, -1, bytes);
      return bytes;
    },
    readRange: async (file, start, end) => {
      const bytes = await src.readRange(file, start, end);
      await record(`${file}[${start},${end})`, file, start, bytes);
      return bytes;
    },
  };
  return {
    source,
    async contentHash() {
      if (!crypto) return '';
      const keys = [...digests.keys()].sort((a, b) => {
        const x = digests.get(a)!, y = digests.get(b)!;
        return x.file < y.file ? -1 : x.file > y.file ? 1 : x.start - y.start || (a < b ? -1 : 1);
      });
      const lines = await Promise.all(keys.map(async (k) => `${k}:${await digests.get(k)!.digest}\n`));
      return hex(await crypto.digest('SHA-256', utf8Encode(lines.join(''))));
    },
  };
}
