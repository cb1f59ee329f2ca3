// safetensors reader: https://github.com/huggingface/safetensors#format
// [u64 little-endian N][N bytes of JSON header][data]; each header entry is
// {dtype, shape, data_offsets: [begin, end]} relative to the start of the data.
// Everything in the header is checked (length, JSON, dtype, shape, offsets, exact coverage of the data) before any
// tensor memory is allocated, so a malformed or hostile file costs nothing but its header.
import { CheckpointError } from '../errors';
import { widen } from '../kernels/widen';
import { numel, type WeightArray } from '../tensor';
import { utf8Decode } from './text';

export { halfToFloat } from '../kernels/widen';

const BYTES_PER_DTYPE = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1,
  BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
} as const;
export type SafetensorsDtype = keyof typeof BYTES_PER_DTYPE;
/** The float dtypes the engine converts to float32. */
export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16', 'F64'];

/** The spec caps the header at 100 MB; a larger length is a corrupt or hostile file. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  file: string;
  /** 8 + N: where the data section starts in the file. */
  dataStart: number;
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

/** N from the first 8 bytes, validated against the file size when known. */
export function headerLength(prefix: Uint8Array, file: string, fileSize?: number): number {
  if (prefix.length < 8) throw new CheckpointError(file, `not a safetensors file: ${prefix.length} bytes, need at least 8`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n < 2) throw new CheckpointError(file, `safetensors header length ${n} is too small`);
  if (n > MAX_HEADER_BYTES) throw new CheckpointError(file, `safetensors header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  if (fileSize !== undefined && 8 + n > fileSize) {
    throw new CheckpointError(file, `safetensors header length ${n} runs past the end of the file (${fileSize} bytes)`);
  }
  return n;
}

/** Parse and validate the header; `bytes` holds at least the first 8 + N bytes of a file of `fileSize` bytes. */
export function parseHeader(bytes: Uint8Array, file: string, fileSize = bytes.length): SafetensorsHeader {
  const n = headerLength(bytes, file, fileSize);
  if (bytes.length < 8 + n) throw new CheckpointError(file, `truncated safetensors header: need ${8 + n} bytes, have ${bytes.length}`);
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new CheckpointError(file, `safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CheckpointError(file, 'safetensors header is not a JSON object');
  }
  const dataLength = fileSize - 8 - n;
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, file);
      continue;
    }
    tensors.set(name, parseEntry(name, raw, file, dataLength));
  }
  checkCoverage([...tensors.values()], file, dataLength);
  return { file, dataStart: 8 + n, tensors, metadata };
}

function parseEntry(name: string, raw: unknown, file: string, dataLength: number): TensorEntry {
  const bad = (problem: string): never => {
    throw new CheckpointError(file, `tensor ${brief(name)}: ${problem}`);
  };
  if (raw === null || typeof raw !== 'object') bad('header entry is not an object');
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER_DTYPE, dtype)) bad(`unknown dtype ${brief(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    bad(`shape ${brief(shape)} is not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]
  ) {
    bad(`data_offsets ${brief(offsets)} are not [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  const need = numel(dims) * BYTES_PER_DTYPE[dtype as SafetensorsDtype];
  if (end - begin !== need) bad(`shape ${brief(dims)} of ${dtype} needs ${need} bytes, data_offsets give ${end - begin}`);
  if (end > dataLength) bad(`data_offsets end ${end} is past the data section (${dataLength} bytes)`);
  return { name, dtype: dtype as SafetensorsDtype, shape: dims, begin, end };
}

/** `__metadata__` is a string → string map (or null), as the reference reader requires. */
function parseMetadata(raw: unknown, file: string): Record<string, string> {
  if (raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    throw new CheckpointError(file, `safetensors __metadata__ ${brief(raw)} is not a map of strings to strings`);
  }
  return raw as Record<string, string>;
}

/** Tensors tile the data section exactly, as the reference reader checks: no overlap, no gap and no
 *  trailing bytes (a duplicated tensor name, which JSON.parse resolves silently, leaves a gap). */
function checkCoverage(entries: TensorEntry[], file: string, dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let last: TensorEntry | undefined;
  for (const e of sorted) {
    if (e.begin < covered) {
      throw new CheckpointError(file, `tensors ${brief(last!.name)} and ${brief(e.name)} overlap in the data section`);
    }
    if (e.begin > covered) {
      throw new CheckpointError(file, `bytes ${covered}..${e.begin} of the data section belong to no tensor (a repeated or missing tensor name?)`);
    }
    covered = e.end;
    if (e.end > e.begin) last = e;
  }
  if (covered !== dataLength) {
    throw new CheckpointError(file, `the data section has ${dataLength - covered} bytes after the last tensor (${dataLength} bytes, tensors cover ${covered})`);
  }
}

/** A header value as JSON, cut short: headers are untrusted and can hold megabytes in one field. */
function brief(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** Where a tensor's bytes are in its file: [start, end). */
export function tensorRange(header: SafetensorsHeader, entry: TensorEntry): { start: number; end: number } {
  return { start: header.dataStart + entry.begin, end: header.dataStart + entry.end };
}

/** Convert one float tensor of the file to float32; `bytes` is the whole file. */
export function decodeTensor(header: SafetensorsHeader, entry: TensorEntry, bytes: Uint8Array): Float32Array {
  const { start, end } = tensorRange(header, entry);
  if (end > bytes.length) throw new CheckpointError(header.file, `tensor "${entry.name}" runs past the end of the file`);
  return decodeRaw(entry, bytes.subarray(start, end), header.file);
}

/** Convert a float tensor's own bytes (`raw`, exactly its data_offsets range) to float32. */
export function decodeRaw(entry: TensorEntry, raw: Uint8Array, file: string): Float32Array {
  const n = numel(entry.shape);
  checkRaw(entry, raw, file);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      copyBytes(out, raw);
      break;
    case 'F64': {
      const a = aligned(raw, 8);
      out.set(new Float64Array(a.buffer, a.byteOffset, n));
      break;
    }
    case 'BF16':
    case 'F16': {
      const a = aligned(raw, 2);
      widen(out, 0, { dtype: entry.dtype === 'BF16' ? 'bf16' : 'f16', bits: new Uint16Array(a.buffer, a.byteOffset, n) }, 0, n);
      break;
    }
    default:
      throw new CheckpointError(file, `tensor "${entry.name}" has dtype ${entry.dtype}; only ${FLOAT_DTYPES.join(', ')} can be used as weights`);
  }
  return out;
}

/**
 * A matrix in the precision it is stored in: F32 stays float32, BF16/F16 stay 16-bit (Weight16),
 * F64 becomes float32. `storage(kind, n)` gives the array to fill (a kernel backend may hand out
 * its own memory, read in place by its kernels); the bytes are copied in once.
 */
export function storedMatrix(
  entry: TensorEntry, raw: Uint8Array, file: string, storage: (kind: 'f32' | 'u16', n: number) => Float32Array | Uint16Array,
): WeightArray {
  const n = numel(entry.shape);
  checkRaw(entry, raw, file);
  if (entry.dtype === 'F32') {
    const out = storage('f32', n) as Float32Array;
    copyBytes(out, raw);
    return out;
  }
  if (entry.dtype === 'BF16' || entry.dtype === 'F16') {
    const bits = storage('u16', n) as Uint16Array;
    copyBytes(bits, raw);
    return { dtype: entry.dtype === 'BF16' ? 'bf16' : 'f16', bits };
  }
  const f32 = decodeRaw(entry, raw, file);
  const out = storage('f32', n) as Float32Array;
  out.set(f32);
  return out;
}

function checkRaw(entry: TensorEntry, raw: Uint8Array, file: string): void {
  if (raw.length !== entry.end - entry.begin) {
    throw new CheckpointError(file, `tensor "${entry.name}" runs past the end of the file (read ${raw.length} of ${entry.end - entry.begin} bytes)`);
  }
}

/** The file's bytes as stored, into a typed array of the same byte length (a tensor's offset in the
 *  file need not be a multiple of its element size, so this goes through bytes). */
function copyBytes(dst: Float32Array | Uint16Array, raw: Uint8Array): void {
  new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(raw);
}

/** `raw` itself when its offset is a multiple of `size`, else an aligned copy. */
function aligned(raw: Uint8Array, size: number): Uint8Array {
  return raw.byteOffset % size === 0 ? raw : raw.slice();
}
