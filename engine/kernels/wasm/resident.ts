// Weights copied into wasm memory once. The kernel table passes weights as plain arrays on every
// call (engine/kernels/backend.ts), so the wasm backend keeps their packed copies keyed by identity:
// the array's buffer, offset and length, plus the shape and layout. A subarray view of the same
// bytes finds the same copy. Contract: arrays passed as weights are not written while in use; a
// fingerprint of 8 sampled values catches an accidental rewrite and repacks. Copies are freed when
// their buffer is garbage-collected (FinalizationRegistry) or by `forget`.
import type { Arena } from './arena';

type Source = Float32Array | Float64Array | Uint16Array;

interface Entry {
  id: number;
  at: number;
  fingerprint: number[];
}

function fingerprint(src: Source): number[] {
  const out: number[] = [];
  const n = src.length;
  for (let i = 0; i < 8; i++) out.push(src[Math.floor((i * (n - 1)) / 7)] ?? 0);
  return out;
}

function same(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** fingerprint(src) equals `fp`, without building it (the per-call check of a hit). */
function unchanged(fp: number[], src: Source): boolean {
  const n = src.length;
  for (let i = 0; i < 8; i++) if (!Object.is(fp[i], src[Math.floor((i * (n - 1)) / 7)] ?? 0)) return false;
  return true;
}

export class ResidentWeights {
  private byBuffer = new WeakMap<ArrayBufferLike, Map<string, Entry>>();
  /** The same entries found by the array object itself: a layer passes its weight arrays on every
   *  call, so this finds them without building the buffer key (decoding makes ~100 lookups a token). */
  private byArray = new WeakMap<Source, Map<string, Entry>>();
  private registry: FinalizationRegistry<number[]> | undefined;
  /** id → byte offset of each copy not yet freed; ids, unlike offsets, are never reused. */
  private live = new Map<number, number>();
  private nextId = 1;

  constructor(private arena: Arena) {
    if (typeof FinalizationRegistry !== 'undefined') {
      this.registry = new FinalizationRegistry((blocks) => {
        for (const id of blocks) this.drop(id);
      });
    }
  }

  /** Byte offset of the resident copy of `src` laid out by `make` (called on a miss). */
  get(src: Source, layout: string, make: (src: Source) => number): number {
    let mine = this.byArray.get(src);
    const known = mine?.get(layout);
    if (known && this.live.has(known.id) && unchanged(known.fingerprint, src)) return known.at;
    if (!mine) {
      mine = new Map();
      this.byArray.set(src, mine);
    }
    let entries = this.byBuffer.get(src.buffer);
    if (!entries) {
      entries = new Map();
      this.byBuffer.set(src.buffer, entries);
    }
    const key = `${src.byteOffset}:${src.length}:${layout}`;
    const hit = entries.get(key);
    if (hit && unchanged(hit.fingerprint, src)) {
      mine.set(layout, hit);
      return hit.at;
    }
    if (hit) this.drop(hit.id);
    const at = make(src);
    const id = this.nextId++;
    const entry = { id, at, fingerprint: fingerprint(src) };
    entries.set(key, entry);
    mine.set(layout, entry);
    this.live.set(id, at);
    this.registry?.register(src.buffer, [id]);
    return at;
  }

  /** Frees every resident copy made from `src`'s buffer. */
  forget(src: Source): void {
    const entries = this.byBuffer.get(src.buffer);
    if (!entries) return;
    for (const e of entries.values()) this.drop(e.id);
    this.byBuffer.delete(src.buffer);
  }

  private drop(id: number): void {
    const at = this.live.get(id);
    if (at === undefined) return;
    this.live.delete(id);
    this.arena.release(at);
  }
}

interface Mirror {
  id: number;
  at: number;
  rows: number;
  check: number[];
}

/**
 * wasm copies of append-only row buffers (the KV caches): a call copies only the rows added since
 * the last one. Rows already copied are trusted not to change; three sampled values (first, middle
 * and last copied row) are checked each call and any difference recopies everything. A cache that
 * outgrows its array gets a new array (engine/layers/attention.ts), hence a new copy.
 */
export class ResidentRows {
  private mirrors = new WeakMap<Float32Array, Mirror>();
  private registry: FinalizationRegistry<number> | undefined;
  private live = new Map<number, number>();
  private nextId = 1;

  constructor(private arena: Arena) {
    if (typeof FinalizationRegistry !== 'undefined') {
      this.registry = new FinalizationRegistry((id) => this.drop(id));
    }
  }

  /** Byte offset of a wasm copy of the first `rows` rows of `src`, `width` floats each. */
  get(src: Float32Array, rows: number, width: number): number {
    let m = this.mirrors.get(src);
    if (m && (m.rows > rows || !same(m.check, sampleRows(src, m.rows, width)))) {
      this.drop(m.id);
      this.mirrors.delete(src);
      m = undefined;
    }
    if (!m) {
      const id = this.nextId++;
      m = { id, at: this.arena.alloc(src.length * 4), rows: 0, check: [] };
      this.live.set(id, m.at);
      this.mirrors.set(src, m);
      this.registry?.register(src, id);
    }
    if (rows > m.rows) {
      this.arena.f32().set(src.subarray(m.rows * width, rows * width), (m.at >>> 2) + m.rows * width);
      m.rows = rows;
      m.check = sampleRows(src, rows, width);
    }
    return m.at;
  }

  private drop(id: number): void {
    const at = this.live.get(id);
    if (at === undefined) return;
    this.live.delete(id);
    this.arena.release(at);
  }
}

function sampleRows(src: Float32Array, rows: number, width: number): number[] {
  if (rows === 0) return [];
  return [src[0], src[(rows >> 1) * width], src[(rows - 1) * width + width - 1]];
}
