// safetensors under attack: byte mutations of a valid file (truncated, length prefix beyond the file
// or 2^53 and more), field mutations of its header (offsets out of range, overlapping or leaving gaps,
// dtype/shape/byte-length mismatches, negative, fractional and huge shapes whose product overflows,
// non-object entries), and header texts that are not JSON objects or repeat a tensor name.
import fc from 'fast-check';
import { CheckpointError } from '../../errors';
import { decodeTensor, FLOAT_DTYPES, parseHeader } from '../../io/safetensors';
import { writeSafetensors } from '../../io/safetensors-write';
import { attemptSync, newStats, show, type Expectation, type KindStats } from './harness';
import { applyBytes, applyFields, byteMutations, draw, fieldMutations, hostileValue } from './mutate';

const FILE = 'hostile/model.safetensors';
export const safetensorsExpect: Expectation = { classes: [CheckpointError], names: (m) => m.startsWith(`${FILE}: `) };

/** A file from a header object (or raw header text) and data bytes, as the format lays it out. */
export function rawSafetensors(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header) ?? '');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A valid header covering several dtypes, with its data section. */
function validMixed(): { header: Record<string, unknown>; data: Uint8Array } {
  const header = {
    __metadata__: { format: 'pt' },
    'model.embeddings.weight': { dtype: 'F32', shape: [4, 3], data_offsets: [0, 48] },
    'model.norm.weight': { dtype: 'F16', shape: [3], data_offsets: [48, 54] },
    'model.layers.0.A_log': { dtype: 'BF16', shape: [2, 2], data_offsets: [54, 62] },
    'model.layers.0.D': { dtype: 'F64', shape: [2], data_offsets: [62, 78] },
    scalar: { dtype: 'F32', shape: [], data_offsets: [78, 82] },
    empty: { dtype: 'F32', shape: [0, 5], data_offsets: [82, 82] },
    mask: { dtype: 'U8', shape: [2], data_offsets: [82, 84] },
  };
  const data = new Uint8Array(84);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) & 0xff;
  return { header, data };
}

/** Parse, then decode every float tensor: what a loader does with a file. */
function readAll(bytes: Uint8Array): void {
  const h = parseHeader(bytes, FILE);
  for (const entry of h.tensors.values()) {
    if (FLOAT_DTYPES.includes(entry.dtype)) decodeTensor(h, entry, bytes);
  }
}

export function safetensorsCampaign(seed: number, scale = 1): KindStats[] {
  const bytesStats = newStats('safetensors: bytes');
  const headerStats = newStats('safetensors: header fields');
  const textStats = newStats('safetensors: header text');

  const written = writeSafetensors({
    a: { dtype: 'f32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    b: { dtype: 'f32', shape: [4], data: Float32Array.from([0.5, -1, 2, 8]) },
  }, { format: 'pt' });
  const mixed = validMixed();
  const mixedFile = rawSafetensors(mixed.header, mixed.data);
  for (const base of [written, mixedFile]) {
    for (const ops of draw(byteMutations(base.length), Math.round(1400 * scale), seed)) {
      const bytes = applyBytes(base, ops);
      attemptSync(bytesStats, () => `${show(ops)} → ${show(bytes)}`, () => readAll(bytes), safetensorsExpect);
    }
  }

  // Field mutations keep the header JSON well-formed, so the per-entry checks are what gets hit.
  const dataLength = fc.oneof(fc.constant(mixed.data.length), fc.nat({ max: 200 }));
  for (const [ops, n] of draw(fc.tuple(fieldMutations(), dataLength), Math.round(2200 * scale), seed + 1)) {
    const header = applyFields(mixed.header, ops);
    const data = new Uint8Array(n);
    attemptSync(headerStats, () => `${show(header)} + ${n} data bytes`, () => readAll(rawSafetensors(header, data)), safetensorsExpect);
  }

  // Whole headers that are not what a safetensors header is.
  const entry = fc.record({
    dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'U8', 'I64', 'f32', 'F8_E4M3', 'Q4'), hostileValue()),
    shape: fc.oneof(fc.array(fc.oneof(fc.nat({ max: 8 }), fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 53, 1e300, 1e308)), { maxLength: 6 }), hostileValue()),
    data_offsets: fc.oneof(fc.tuple(fc.nat({ max: 128 }), fc.nat({ max: 128 })), fc.tuple(fc.integer(), fc.integer()), hostileValue()),
  }, { requiredKeys: [] });
  const text = fc.oneof(
    fc.string({ maxLength: 64 }),
    fc.json({ maxDepth: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '__metadata__', '__proto__', ''), entry, { maxKeys: 4 }).map((h) => JSON.stringify(h)),
    // The same tensor name twice: JSON.parse keeps the last, so the first one's bytes are orphaned.
    fc.tuple(entry, entry).map(([x, y]) => `{"w":${JSON.stringify(x)},"w":${JSON.stringify(y)}}`),
    fc.constantFrom('{}', '[]', 'null', '1', '"x"', '{"a":', '{"a":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}}'),
  );
  for (const [header, n] of draw(fc.tuple(text, fc.nat({ max: 160 })), Math.round(1000 * scale), seed + 2)) {
    attemptSync(textStats, () => `${show(header)} + ${n} data bytes`, () => readAll(rawSafetensors(header, new Uint8Array(n))), safetensorsExpect);
  }
  return [bytesStats, headerStats, textStats];
}
