// Where a kernel's arrays lie. Arrays already in the wasm memory (working arrays placed by
// placeWorking, placed states) are read and written where they are; the others are copied into a
// block of the arena and back. `copies` collects the blocks a call made, released by `done`.
import type { Arena } from './arena';

/** Working arrays are placed in the memory while it stays within this (a 32-bit memory's 4 GiB,
 *  less room for the kernels' per-call blocks); beyond, they are plain arrays copied in and out. */
const WORKING_LIMIT = 3.5 * 2 ** 30;

/** The backend's in-place-or-copy helpers over `arena`; `shared`: whether working arrays may be placed. */
export function placedArrays(arena: Arena, shared: boolean) {
  const placedIn = new Set<ArrayBufferLike>();
  /** The byte offset of `a` in the memory, or -1 when it lies outside. */
  const offset = (a: Float32Array) => (placedIn.has(a.buffer) ? a.byteOffset : -1);
  const read = (a: Float32Array, copies: number[]) => {
    const at = offset(a);
    if (at >= 0) return at;
    const p = arena.put(a);
    copies.push(p);
    return p;
  };
  const write = (a: Float32Array, n: number, copies: number[]) => {
    const at = offset(a);
    if (at >= 0) return at;
    const p = arena.alloc(n * 4);
    copies.push(p);
    return p;
  };
  /** a ← the n floats at p unless p is where a lies; the copies released. */
  const done = (a: Float32Array, p: number, n: number, copies: number[]) => {
    if (offset(a) !== p) arena.get(a, p, n);
    for (const c of copies) arena.release(c);
  };
  const placeWorking = (n: number): Float32Array | undefined => {
    if (!shared || arena.end + 4 * n > WORKING_LIMIT) return undefined;
    const at = arena.alloc(4 * n);
    placedIn.add(arena.memory.buffer);
    return new Float32Array(arena.memory.buffer, at, n);
  };
  const freeWorking = (a: Float32Array) => {
    if (offset(a) >= 0) arena.release(a.byteOffset);
  };
  // z comes strided out of a projection: read where it lies (a placed working array; stride
  // zStride), else only its I columns are copied in (stride I); `copies` gets the block made
  const zRows = (z: Float32Array, zOffset: number, zStride: number, T: number, I: number, copies: number[]) => {
    const placed = offset(z);
    if (placed >= 0) return { zp: placed + zOffset * 4, zs: zStride };
    const at = arena.alloc(T * I * 4);
    const f = arena.f32();
    for (let t = 0; t < T; t++) f.set(z.subarray(t * zStride + zOffset, t * zStride + zOffset + I), (at >>> 2) + t * I);
    copies.push(at);
    return { zp: at, zs: I };
  };
  return { offset, read, write, done, placeWorking, freeWorking, zRows };
}
