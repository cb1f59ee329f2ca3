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
  };
  if (root.readRange) src.readRange = (file, start, end) => root.readRange!(at(file), start, end);
  if (root.size) src.size = (file) => root.size!(at(file));
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

/** Wraps `src` so every whole-file read is digested; `contentHash()` combines them in name order
 *  (SHA-256 over `name:sha256(file)` lines), so it names the bytes the model was built from. */
export function hashingSource(src: FileSource): { source: FileSource; contentHash(): Promise<string> } {
  const digests = new Map<string, Promise<string>>();
  const crypto = subtle();
  const source: FileSource = {
    ...src,
    read: async (file) => {
      const bytes = await src.read(file);
      if (crypto && !digests.has(file)) digests.set(file, crypto.digest('SHA-256', bytes).then(hex));
      return bytes;
    },
  };
  return {
    source,
    async contentHash() {
      if (!crypto) return '';
      const names = [...digests.keys()].sort();
      const lines = await Promise.all(names.map(async (n) => `${n}:${await digests.get(n)}\n`));
      return hex(await crypto.digest('SHA-256', utf8Encode(lines.join(''))));
    },
  };
}
