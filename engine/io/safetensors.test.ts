import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors';
import { decodeTensor, halfToFloat, parseHeader } from './safetensors';
import { writeSafetensors } from './safetensors-write';

/** A safetensors file from a raw header object and data bytes (for dtypes the writer does not emit). */
function raw(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32 tensors through the writer', () => {
    const a = Float32Array.from([1, -2.5, 3e-8, 4e20, 0, -0]);
    const file = writeSafetensors({ a: { dtype: 'f32', shape: [2, 3], data: a }, b: { dtype: 'f32', shape: [], data: Float32Array.of(7) } });
    const h = parseHeader(file, 'x.safetensors');
    expect(h.dataStart % 8).toBe(0);
    expect(h.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(decodeTensor(h, h.tensors.get('a')!, file))).toEqual(Array.from(a));
    expect(Array.from(decodeTensor(h, h.tensors.get('b')!, file))).toEqual([7]);
  });

  it('converts F16, BF16 and F64 to float32, at unaligned offsets', () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00, 0x3555]); // 1, -2, 2^-24, inf, ~0.333
    const bf16 = new Uint16Array([0x3f80, 0xc040, 0x4049]); // 1, -3, 3.140625
    const f64 = new Float64Array([Math.PI, -1e-3]);
    const data = new Uint8Array(1 + 10 + 6 + 16);
    data.set(new Uint8Array(f16.buffer), 1);
    data.set(new Uint8Array(bf16.buffer), 11);
    data.set(new Uint8Array(f64.buffer), 17);
    const file = raw({
      pad: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
      h: { dtype: 'F16', shape: [5], data_offsets: [1, 11] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [11, 17] },
      d: { dtype: 'F64', shape: [2], data_offsets: [17, 33] },
    }, data);
    const h = parseHeader(file, 'x');
    expect(Array.from(decodeTensor(h, h.tensors.get('h')!, file))).toEqual([1, -2, 2 ** -24, Infinity, halfToFloat(0x3555)]);
    expect(halfToFloat(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(Array.from(decodeTensor(h, h.tensors.get('b')!, file))).toEqual([1, -3, 3.140625]);
    expect(Array.from(decodeTensor(h, h.tensors.get('d')!, file))).toEqual([Math.fround(Math.PI), Math.fround(-1e-3)]);
    expect(() => decodeTensor(h, h.tensors.get('pad')!, file)).toThrow(/dtype U8/);
  });

  it.each([
    ['a header length past the end', () => { const f = writeSafetensors({}); new DataView(f.buffer).setUint32(0, 9999, true); return f; }, /runs past the end/],
    ['non-JSON header', () => raw({}, new Uint8Array()).fill(0x7b, 8), /not valid JSON/],
    ['an unknown dtype', () => raw({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /unknown dtype "Q4"/],
    ['a negative dimension', () => raw({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /not a list of non-negative integers/],
    ['a size mismatch', () => raw({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(8)), /needs 8 bytes, data_offsets give 4/],
    ['offsets past the data', () => raw({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /past the data section/],
    ['overlapping tensors', () => raw({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    }, new Uint8Array(12)), /overlap/],
  ])('rejects %s before allocating', (_what, make, message) => {
    const file = make();
    let err: unknown;
    try { parseHeader(file, 'w.safetensors'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/^w\.safetensors: /);
    expect((err as Error).message).toMatch(message);
  });
});
