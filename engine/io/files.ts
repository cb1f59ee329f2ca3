// Injected file access: the engine never touches a file system. Node hosts pass a folder reader
// (fs reads at an offset), the browser passes fetch() (Range requests) or File objects
// (Blob.slice), tests pass bytes in memory. Weights are read by ranges, a tensor at a time: a
// checkpoint file is never read whole (one over 2 GiB could not be: that is Node's and V8's limit
// for a single read or buffer), only config.json, tokenizer files and other small files are.
import { utf8Encode } from './text';

export interface FileSource {
  /** Folder name or bundled id, used in messages. */
  name: string;
  has(file: string): Promise<boolean>;
  /** A whole (small) file: JSON, tokenizer, a checkpoint's index. */
  read(file: string): Promise<Uint8Array>;
  /** Bytes [start, end) of a file (fewer only where the file ends first). */
  readRange(file: string, start: number, end: number): Promise<Uint8Array>;
  /** The file's size in bytes, to validate headers before any data is read. */
  size(file: string): Promise<number>;
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
