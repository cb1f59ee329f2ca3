// Decoding attention as two calls of the packed matmul kernel (assembly/matmul.ts: 4 × 8 tiles):
// scores (rep, L) = q (rep, hd) · Kᵀ, then probs · V. For that the KV cache is mirrored in wasm
// memory in the matmul's packed layouts, appended row by row as the cache grows (a decoding step
// packs one row), per KV head:
//   K as packRows:    k[((s >> 3)·hd + i)·8 + (s & 7)] = K[s, i]   (panels of 8 keys)
//   V as packColumns: v[((i >> 3)·cap + s)·8 + (i & 7)] = V[s, i]   (panels of 8 channels, panelK = cap)
// cap is the cache's capacity rows rounded up to 8: a cache that outgrows its array gets a new
// array (engine/layers/attention.ts), hence a new mirror. Rows already packed are trusted not to
// change; three sampled values are checked each call and any difference repacks everything.
import type { Arena } from './arena';

interface Mirror { id: number; kAt: number; vAt: number; cap: number; rows: number; check: number[] }

export interface PackedRows { kAt: number; vAt: number; cap: number }

export class PackedKV {
  private mirrors = new WeakMap<Float32Array, Mirror>();
  private registry: FinalizationRegistry<number> | undefined;
  private live = new Map<number, [number, number]>();
  private nextId = 1;

  constructor(private arena: Arena) {
    if (typeof FinalizationRegistry !== 'undefined') this.registry = new FinalizationRegistry((id) => this.drop(id));
  }

  /** The packed mirrors of the first S rows of the caches kc, vc (rows of KVH · hd floats, hd % 8 == 0). */
  get(kc: Float32Array, vc: Float32Array, S: number, KVH: number, hd: number): PackedRows {
    const kvs = KVH * hd;
    let m = this.mirrors.get(kc);
    if (m && (m.rows > S || !same(m.check, sample(kc, vc, m.rows, kvs)))) {
      this.drop(m.id);
      this.mirrors.delete(kc);
      m = undefined;
    }
    if (!m) {
      const cap = (Math.floor(kc.length / kvs) + 7) & ~7;
      const id = this.nextId++;
      m = { id, kAt: this.arena.alloc(KVH * cap * hd * 4), vAt: this.arena.alloc(KVH * cap * hd * 4), cap, rows: 0, check: [] };
      this.live.set(id, [m.kAt, m.vAt]);
      this.mirrors.set(kc, m);
      this.registry?.register(kc, id);
    }
    if (S > m.rows) {
      packRows(this.arena.f32(), m, kc, vc, m.rows, S, KVH, hd);
      m.rows = S;
      m.check = sample(kc, vc, S, kvs);
    }
    return { kAt: m.kAt, vAt: m.vAt, cap: m.cap };
  }

  private drop(id: number): void {
    const at = this.live.get(id);
    if (!at) return;
    this.live.delete(id);
    this.arena.release(at[0]);
    this.arena.release(at[1]);
  }
}

function packRows(f: Float32Array, m: Mirror, kc: Float32Array, vc: Float32Array, s0: number, s1: number, KVH: number, hd: number): void {
  const kvs = KVH * hd;
  for (let kvh = 0; kvh < KVH; kvh++) {
    const kBase = (m.kAt >>> 2) + kvh * m.cap * hd;
    const vBase = (m.vAt >>> 2) + kvh * m.cap * hd;
    for (let s = s0; s < s1; s++) {
      const src = s * kvs + kvh * hd;
      const ko = kBase + (s >> 3) * hd * 8 + (s & 7);
      for (let i = 0; i < hd; i++) f[ko + i * 8] = kc[src + i];
      const vo = vBase + s * 8;
      for (let i = 0; i < hd; i++) f[vo + (i >> 3) * m.cap * 8 + (i & 7)] = vc[src + i];
    }
  }
}

function sample(kc: Float32Array, vc: Float32Array, rows: number, kvs: number): number[] {
  if (rows === 0) return [];
  const last = (rows - 1) * kvs + kvs - 1;
  return [kc[0], kc[(rows >> 1) * kvs], kc[last], vc[0], vc[last]];
}

function same(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
