// Injected file access: the engine never touches a file system. Node hosts pass a folder reader,
// the browser passes fetch() or File objects, tests pass bytes in memory.
import { utf8Encode } from './text';

export interface FileSource {
  /** Folder name or bundled id, used in messages. */
  name: string;
  has(file: string): Promise<boolean>;
  /** The whole file. */
  read(file: string): Promise<Uint8Array>;
  /** Optional: bytes [start, end) of a file, so headers can be read without the tensor data. */
  readRange?(file: string, start: number, end: number): Promise<Uint8Array>;
  /** Optional: file size in bytes, used to validate headers before reading data. */
  size?(file: string): Promise<number>;
}

/** A FileSource over bytes held in memory (tests, bundled models, files dropped in a browser). */
export function memorySource(name: string, files: Record<string, Uint8Array | string>): FileSource {
  const bytes = (file: string): Uint8Array => {
    const v = files[file];
    if (v === undefined) throw new Error(`${name}/${file}: no such file`);
    return typeof v === 'string' ? utf8Encode(v) : v;
  };
  return {
    name,
    has: async (file) => Object.hasOwn(files, file),
    read: async (file) => bytes(file),
    readRange: async (file, start, end) => bytes(file).subarray(start, end),
    size: async (file) => bytes(file).length,
  };
}

/** `folder/file` for messages. */
export function pathOf(src: FileSource, file: string): string {
  return src.name ? `${src.name.replace(/\/+$/, '')}/${file}` : file;
}
