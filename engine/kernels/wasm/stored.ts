// Large weight matrices, read by the kernels in the precision they are stored in (assembly/stored.ts)
// instead of packed float32 copies: a model then takes about its checkpoint's bytes.
//
// Where they live: when the memory is shared (a SharedArrayBuffer: Node, Electron, a cross-origin
// isolated page), loadModel's matrices are placed in the wasm memory itself (`place`), and the
// model's arrays are views of it: a shared memory's views survive its growth, so the engine and the
// kernels read the same bytes, once, with no copy. Up to PLACE_LIMIT: the rest of the 4 GiB a
// 32-bit memory addresses is kept for activations. What is not placed (beyond that limit, or where
// the memory is not shared and its views would detach when it grows) stays in plain arrays outside,
// and each call copies it in a block of rows at a time (an L2-sized block when decoding, so the
// kernel reads it from cache): the same kernels, at the cost of that copy. So the 4 GiB of one
// memory bounds the speed of a model, not its size (measured: bench/README.md).
import type { WeightArray } from '../../tensor';
import type { Arena } from './arena';
import type { KernelExports } from './loader';
import type { KernelThread } from './threads';

/** Placed weights stop here: the 4 GiB memory keeps at least 1 GiB for everything else. */
export const PLACE_LIMIT = 3 * 2 ** 30;
/** SSM states of at least this many values are placed (256 KB: the bundled models' are smaller). */
const STATE_MIN_VALUES = 65536;
/** At most this many bytes of placed states at a time. */
const STATE_BYTES_MAX = 512 * 2 ** 20;
/** Rows of an outside matrix copied in per block: about this many bytes (decoding: L2-sized). */
const BLOCK_BYTES_DECODE = 256 * 1024;
const BLOCK_BYTES_PREFILL = 8 * 2 ** 20;
/** Widened weights of one band of columns when prefilling (assembly/stored.ts): stays in L2. */
const BAND_BYTES = 512 * 1024;
/** Bytes of W per chunk of a split decoding GEMV (64 rows of 2,048 bf16; ~9,000 chunks a token at
 *  the 1.3B shape, each a call and a claim): small, so the other thread's last chunk is soon done. */
const GEMV_CHUNK_BYTES = 256 * 1024;

const DTYPE = { f32: 0, bf16: 1, f16: 2 } as const;

export class StoredWeights {
  /** The memory's buffers (one per growth) that placed views were made on. */
  private buffers = new WeakSet<ArrayBufferLike>();
  private registry: FinalizationRegistry<{ at: number; state: number }> | undefined;
  /** Bytes of SSM states placed and not yet collected (at most STATE_BYTES_MAX). */
  private stateBytes = 0;

  constructor(
    private arena: Arena, private k: KernelExports, private thread: () => KernelThread | undefined,
    readonly shared: boolean, private small: number, private placeLimit = PLACE_LIMIT,
  ) {
    if (typeof FinalizationRegistry !== 'undefined') {
      this.registry = new FinalizationRegistry(({ at, state }) => {
        arena.release(at);
        this.stateBytes -= state;
      });
    }
  }

  /** A view of n values in the wasm memory for a loaded matrix, freed when the view is collected;
   *  undefined for a small matrix (packed instead), when the memory is not shared, or when the
   *  memory would grow past PLACE_LIMIT. */
  place = (kind: 'f32' | 'u16', n: number): Float32Array | Uint16Array | undefined => {
    const bytes = n * (kind === 'f32' ? 4 : 2);
    if (n <= this.small || !this.shared || this.arena.end + bytes > this.placeLimit) return undefined;
    const at = this.arena.alloc(bytes);
    const buffer = this.arena.memory.buffer;
    this.buffers.add(buffer);
    const view = kind === 'f32' ? new Float32Array(buffer, at, n) : new Uint16Array(buffer, at, n);
    this.registry?.register(view, { at, state: 0 });
    return view;
  };

  /**
   * A zeroed float32 SSM state of n values in the wasm memory, which the scans then read and write
   * where it is (a decoding step of a large model otherwise copies each layer's state in and out:
   * 2 × 2 MB a layer at H·P·N = 64·64·128). Only large states, only while the states placed and
   * not yet collected stay under STATE_BYTES_MAX (a run's states are freed when it is collected,
   * which may be late: past the cap, states are plain arrays again); undefined otherwise.
   */
  placeState = (n: number): Float32Array | undefined => {
    const bytes = 4 * n;
    if (n < STATE_MIN_VALUES || !this.registry || this.stateBytes + bytes > STATE_BYTES_MAX) return undefined;
    if (!this.shared || this.arena.end + bytes > this.placeLimit) return undefined;
    const at = this.arena.alloc(bytes);
    const buffer = this.arena.memory.buffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, at, n).fill(0);
    this.stateBytes += bytes;
    this.registry.register(view, { at, state: bytes });
    return view;
  };

  /** Byte offset of `a` in the wasm memory when it was placed there (place, placeState), else -1. */
  offsetOf(a: Float32Array | Float64Array | Uint16Array): number {
    return this.buffers.has(a.buffer) ? a.byteOffset : -1;
  }

  /** y (T, Out) at byte offset yp ← x (T, In) at xp · Wᵀ, W (Out, In) as stored. */
  matmul(yp: number, xp: number, w: WeightArray, T: number, In: number, Out: number): void {
    const { arena, k } = this;
    const values = w instanceof Float32Array ? w : w.bits;
    const dtype = w instanceof Float32Array ? DTYPE.f32 : DTYPE[w.dtype];
    // prefill: x packed once for every band of columns (and both threads)
    const xq = T > 1 ? arena.alloc(T * In * 4) : 0;
    if (xq) k.packRowBlocks(xq, xp, T, In);
    if (this.offsetOf(values) >= 0) {
      this.product(yp, xq, xp, values.byteOffset, T, In, Out, Out, dtype);
    } else {
      // outside: blocks of whole rows of W (contiguous, row-major) copied in, each a band of y's columns
      const rowBytes = In * values.BYTES_PER_ELEMENT;
      const rows = Math.max(8, Math.floor((T === 1 ? BLOCK_BYTES_DECODE : BLOCK_BYTES_PREFILL) / rowBytes / 8) * 8);
      const block = arena.alloc(Math.min(rows, Out) * rowBytes);
      const src = new Uint8Array(values.buffer, values.byteOffset, Out * rowBytes);
      for (let o0 = 0; o0 < Out; o0 += rows) {
        const n = Math.min(rows, Out - o0);
        arena.bytes().set(src.subarray(o0 * rowBytes, (o0 + n) * rowBytes), block);
        this.product(yp + o0 * 4, xq, xp, block, T, In, n, Out, dtype);
      }
      arena.release(block);
    }
    if (xq) arena.release(xq);
  }

  /** y rows at a stride of ys floats; splits across the helper thread when it is running. */
  private product(yp: number, xq: number, xp: number, wp: number, T: number, In: number, Out: number, ys: number, dtype: number): void {
    const { k, arena } = this;
    const thread = this.thread();
    if (T === 1) {
      const rows = Math.max(8, Math.floor(GEMV_CHUNK_BYTES / (In * (dtype === DTYPE.f32 ? 4 : 2)) / 8) * 8);
      if (thread && Out >= 2 * rows) thread.split(k, 'gemvStoredRows', [yp, xp, wp, In, Out, dtype, rows], true);
      else k.gemvStored(yp, xp, wp, In, Out, dtype);
      return;
    }
    const C = bandColumns(In, Out);
    const band = arena.alloc((thread ? 2 : 1) * C * In * 4);
    if (thread && Out > C) thread.split(k, 'gemmStoredCols', [yp, xq, xp, wp, T, In, Out, ys, dtype, band, C]);
    else k.gemmStoredCols(yp, xq, xp, wp, T, In, 0, Out, ys, dtype, band, C);
    arena.release(band);
  }
}

/** Columns per band of a stored-precision matmul: BAND_BYTES of widened weights, a multiple of 8. */
function bandColumns(In: number, Out: number): number {
  return Math.min(Math.max(8, Math.floor(BAND_BYTES / (In * 4) / 8) * 8), Math.ceil(Out / 8) * 8);
}
