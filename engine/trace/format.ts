// The trace file's byte layout (specified in FORMAT.md, next to this file): a 16-byte preamble, then
// sections of [4-byte tag][u32 JSON length][u64 data length][JSON][data]. Both the writer and the
// reader take their constants and framing from here, so they cannot disagree.
import { CheckpointError } from '../errors';
import { utf8Encode } from '../io/text';
import { RECORD_VERSION } from '../records';

/** What a trace file's name ends with (the CLI writes it; the app and main recognise traces by it). */
export const TRACE_EXTENSION = '.hstrace';
export const isTraceName = (name: string): boolean => name.toLowerCase().endsWith(TRACE_EXTENSION);
export const TRACE_MAGIC = 'HSTRACE\0';
export const TRACE_VERSION = 1;
export const PREAMBLE_BYTES = 16;
export const SECTION_HEAD_BYTES = 16;

export const SECTION_TAGS = ['HEAD', 'LAYR', 'TOKS', 'SUMM'] as const;
export type SectionTag = (typeof SECTION_TAGS)[number];

/** A prompt of 262,144 tokens with its token strings and phonebook spans is well under this. */
export const MAX_JSON_BYTES = 64 * 2 ** 20;
/** Far above any capture budget a run would use; a larger claim is a corrupt or hostile file. */
export const MAX_LAYER_DATA_BYTES = 2 ** 31;

export function encodePreamble(): Uint8Array {
  const out = new Uint8Array(PREAMBLE_BYTES);
  for (let i = 0; i < 8; i++) out[i] = TRACE_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, TRACE_VERSION, true);
  view.setUint32(12, RECORD_VERSION, true);
  return out;
}

/** Whether bytes start like a trace (for `info`, which takes a model folder or a trace). */
export function isTrace(prefix: Uint8Array): boolean {
  if (prefix.length < 8) return false;
  for (let i = 0; i < 8; i++) if (prefix[i] !== TRACE_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** The versions from the first 16 bytes; refuses other files and versions this reader cannot read. */
export function decodePreamble(bytes: Uint8Array, file: string, fileSize: number): { version: number; recordVersion: number } {
  if (fileSize < PREAMBLE_BYTES) throw new CheckpointError(file, `not a trace: ${fileSize} bytes, a trace has at least ${PREAMBLE_BYTES}`);
  if (!isTrace(bytes)) throw new CheckpointError(file, 'not a trace: the file does not start with HSTRACE');
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  const recordVersion = view.getUint32(12, true);
  if (version < 1 || version > TRACE_VERSION) {
    throw new CheckpointError(file, `trace format version ${version}; this reader knows versions 1 to ${TRACE_VERSION} (a newer HybridScope may read it)`);
  }
  if (recordVersion !== RECORD_VERSION) {
    throw new CheckpointError(file, `records of version ${recordVersion}; this reader knows version ${RECORD_VERSION}`);
  }
  return { version, recordVersion };
}

export interface SectionHead {
  tag: SectionTag;
  /** Where the section starts in the file. */
  at: number;
  jsonBytes: number;
  dataBytes: number;
  /** Where its data starts, and where the next section starts. */
  dataStart: number;
  end: number;
}

/** One section head, every length checked against its cap and the file's size. */
export function decodeSectionHead(bytes: Uint8Array, at: number, file: string, fileSize: number): SectionHead {
  if (bytes.length < SECTION_HEAD_BYTES) {
    throw new CheckpointError(file, `truncated: a section starts at byte ${at} but the file ends at byte ${fileSize}`);
  }
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if (!(SECTION_TAGS as readonly string[]).includes(tag)) {
    throw new CheckpointError(file, `unknown section tag ${JSON.stringify(tag)} at byte ${at} (known: ${SECTION_TAGS.join(', ')})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SECTION_HEAD_BYTES);
  const jsonBytes = view.getUint32(4, true);
  const high = view.getUint32(12, true);
  const dataBytes = view.getUint32(8, true) + high * 2 ** 32;
  const where = `section ${tag} at byte ${at}`;
  if (jsonBytes > MAX_JSON_BYTES) throw new CheckpointError(file, `${where}: JSON of ${jsonBytes} bytes exceeds ${MAX_JSON_BYTES}`);
  if (high >= 2 ** 21) throw new CheckpointError(file, `${where}: data length ${high} · 2^32 + … is 2^53 or more`);
  if (tag !== 'LAYR' && dataBytes !== 0) throw new CheckpointError(file, `${where}: has ${dataBytes} data bytes; only LAYR sections hold data`);
  if (dataBytes > MAX_LAYER_DATA_BYTES) throw new CheckpointError(file, `${where}: data of ${dataBytes} bytes exceeds ${MAX_LAYER_DATA_BYTES}`);
  const dataStart = at + SECTION_HEAD_BYTES + jsonBytes;
  const end = dataStart + dataBytes;
  if (end > fileSize) {
    throw new CheckpointError(file, `truncated: ${where} needs ${jsonBytes} JSON and ${dataBytes} data bytes, past the end of the file (${fileSize} bytes)`);
  }
  return { tag: tag as SectionTag, at, jsonBytes, dataBytes, dataStart, end };
}

/** A section's head and JSON, padded with spaces so that its data starts 8-byte aligned. */
export function encodeSection(tag: SectionTag, jsonText: string, dataBytes: number): Uint8Array {
  const json = utf8Encode(jsonText);
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(SECTION_HEAD_BYTES + padded).fill(0x20, SECTION_HEAD_BYTES + json.length);
  for (let i = 0; i < 4; i++) out[i] = tag.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(4, padded, true);
  view.setUint32(8, dataBytes % 2 ** 32, true);
  view.setUint32(12, Math.floor(dataBytes / 2 ** 32), true);
  out.set(json, SECTION_HEAD_BYTES);
  return out;
}

/** JSON as Python writes it: non-finite numbers as bare NaN / Infinity literals, which the reader's
 *  parser (io/json.ts) accepts; JSON.stringify alone would turn them into null. */
export function traceJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `\u0000nf:${v}` : v));
  return text.replace(/"\\u0000nf:(-?Infinity|NaN)"/g, '$1');
}
