// One growable WebAssembly.Memory shared by all kernels, with a small first-fit allocator over it.
// Packed weights are allocated once per weight tensor and live until freed; per-call buffers are
// allocated and freed around each kernel call, so steady-state runs reuse the same bytes.
// Growing the memory detaches earlier ArrayBuffer views: always read views through f32()/f64().
// (A shared memory's do not detach: they keep their length, and weights placed in it are read
// through such views for good, backend.ts.) Offsets reach 4 GiB: shift them with >>>.

import { wasmApi, type WasmMemory } from './wasm-api';

const PAGE = 65536;
/** Bytes below the arena: the module's static data (from 1024) and the threads' control block. */
export const RESERVED = PAGE;
const ALIGN = 64;

export class Arena {
  readonly memory: WasmMemory;
  private free: { at: number; size: number }[] = [];
  private sizes = new Map<number, number>();
  private top = RESERVED;
  private f32View: Float32Array;
  private f64View: Float64Array;

  /** A fresh memory of `initialPages`; `maximumPages` makes it a shared memory (for two threads). */
  constructor(initialPages = 256, maximumPages?: number) {
    const api = wasmApi();
    if (!api) throw new Error('wasm arena: this runtime has no WebAssembly');
    this.memory = new api.Memory(maximumPages ? { initial: initialPages, maximum: maximumPages, shared: true } : { initial: initialPages });
    this.f32View = new Float32Array(this.memory.buffer);
    this.f64View = new Float64Array(this.memory.buffer);
  }

  /** The end of the highest block in use: the memory's size never needs to exceed it. */
  get end(): number {
    return this.top;
  }

  /** Bytes in use (allocated and not freed), for reports and tests. */
  get used(): number {
    return this.top - RESERVED - this.free.reduce((s, b) => s + b.size, 0);
  }

  /** A 64-byte-aligned block of `bytes` bytes; returns its byte offset. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size < size) continue;
      const at = b.at;
      if (b.size === size) this.free.splice(i, 1);
      else { b.at += size; b.size -= size; }
      this.sizes.set(at, size);
      return at;
    }
    const at = this.top;
    this.top += size;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
    this.sizes.set(at, size);
    return at;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  release(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) throw new Error(`wasm arena: ${at} is not an allocated block`);
    this.sizes.delete(at);
    let i = 0;
    while (i < this.free.length && this.free[i].at < at) i++;
    this.free.splice(i, 0, { at, size });
    if (i + 1 < this.free.length && at + size === this.free[i + 1].at) {
      this.free[i].size += this.free[i + 1].size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1].at + this.free[i - 1].size === at) {
      this.free[i - 1].size += this.free[i].size;
      this.free.splice(i, 1);
    }
    const last = this.free[this.free.length - 1];
    if (last && last.at + last.size === this.top) {
      this.top = last.at;
      this.free.pop();
    }
  }

  /** A view of the memory's bytes (offsets may exceed 2 GiB: index with >>> or /, never >>). */
  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  f32(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer) this.f32View = new Float32Array(this.memory.buffer);
    return this.f32View;
  }

  f64(): Float64Array {
    if (this.f64View.buffer !== this.memory.buffer) this.f64View = new Float64Array(this.memory.buffer);
    return this.f64View;
  }

  /** Copies src into a fresh block; returns its byte offset. */
  put(src: Float32Array): number {
    const at = this.alloc(src.length * 4);
    this.f32().set(src, at >>> 2);
    return at;
  }

  /** n floats from byte offset `at` copied into dst. */
  get(dst: Float32Array, at: number, n: number): void {
    dst.set(this.f32().subarray(at >>> 2, (at >>> 2) + n));
  }
}
