// Attention driven from TypeScript over the wasm pieces (assembly/attention.ts): decoding one
// position at a time for all heads of a KV group; prefill in blocks of ROWS query rows against K
// and Vᵀ packed once per KV head.
// Row hooks (probes) get each row's probabilities as float64, in the reference's order (h, t), for
// the rows the taps ask for; the pooled map is filled in wasm (attendBlock) and only copied out.
import { poolRow, rowMask, type AttentionRowHook, type AttentionTaps } from '../attention';
import type { Arena } from './arena';
import type { KernelExports } from './loader';
import type { KernelThread } from './threads';

/** Query rows per block in prefill: the scores block is ROWS × (past + T) floats. */
const ROWS = 64;

export interface AttendBuffers { op: number; qp: number; kp: number; vp: number }
export interface AttendShape { T: number; past: number; H: number; KVH: number; hd: number; scaling: number }

/** Keys per chunk when decoding attention is shared by two threads (and the least worth sharing). */
const SPLIT_KEYS = 512;

export function attendRows(
  k: KernelExports, arena: Arena, thread: KernelThread | undefined, b: AttendBuffers, s: AttendShape, scratch: Float64Array,
  onRow?: AttentionRowHook, taps?: AttentionTaps,
): void {
  const { T, past, H, KVH, hd, scaling } = s;
  const rep = H / KVH;
  const mask = rowMask(taps, T);
  const pooled = taps?.pooled;
  const tapped = !!onRow || !!pooled;
  if (thread && !tapped && past + 1 >= 2 * SPLIT_KEYS) {
    for (let t = 0; t < T; t++) attendShared(k, arena, thread, b, s, t);
    return;
  }
  const probs = arena.alloc(rep * (past + T) * 4); // (rep, L)
  const part = arena.alloc(rep * (hd + 2) * 4);
  const hooks: [number, number, Float32Array][] = []; // (h, t, probabilities), replayed in the reference's order
  for (let t = 0; t < T; t++) {
    const L = past + t + 1;
    for (let kvh = 0; kvh < KVH; kvh++) {
      const o = (t * H + kvh * rep) * hd * 4;
      k.attendRow(b.op + o, probs, part, b.qp + o, b.kp + kvh * hd * 4, b.vp + kvh * hd * 4, L, KVH * hd, hd, scaling, rep);
      if (!tapped) continue;
      for (let r = 0; r < rep; r++) hooks.push([kvh * rep + r, t, arena.f32().slice((probs >> 2) + r * L, (probs >> 2) + (r + 1) * L)]);
    }
  }
  hooks.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const [h, t, p] of hooks) {
    scratch.set(p);
    if (pooled) poolRow(pooled, h, past + t, scratch, p.length);
    if (onRow && (!mask || mask[t])) onRow(h, t, scratch.subarray(0, p.length));
  }
  arena.release(probs);
  arena.release(part);
}

/**
 * Query t of a decoding call on two threads: chunks of SPLIT_KEYS keys per KV head, each a partial
 * softmax [m, Σ e, Σ e·v]; merged here as out = Σ_c w_c·(Σ e·v)_c / Σ_c w_c·(Σ e)_c with
 * w_c = exp(scaling·(m_c − max_c m_c)).
 */
function attendShared(k: KernelExports, arena: Arena, thread: KernelThread, b: AttendBuffers, s: AttendShape, t: number): void {
  const { past, H, KVH, hd, scaling } = s;
  const rep = H / KVH;
  const L = past + t + 1;
  const n = Math.ceil(L / SPLIT_KEYS);
  const slot = rep * (hd + 2);
  const probs = arena.alloc(KVH * rep * L * 4);
  const part = arena.alloc(KVH * n * slot * 4);
  const q = b.qp + t * H * hd * 4;
  thread.split(k, 'attendKeys', [part, probs, q, b.kp, b.vp, L, KVH * hd, hd, scaling, rep, KVH, SPLIT_KEYS], true);
  const f = arena.f32();
  for (let kvh = 0; kvh < KVH; kvh++) {
    for (let r = 0; r < rep; r++) {
      const at = (c: number) => (part >> 2) + (kvh * n + c) * slot + r * (hd + 2);
      let m = -Infinity;
      for (let c = 0; c < n; c++) m = Math.max(m, f[at(c)]);
      const o = (b.op >> 2) + (t * H + kvh * rep + r) * hd;
      f.fill(0, o, o + hd);
      let sum = 0;
      for (let c = 0; c < n; c++) {
        const p = at(c);
        const w = Math.exp(scaling * (f[p] - m));
        sum += w * f[p + 1];
        for (let i = 0; i < hd; i++) f[o + i] += w * f[p + 2 + i];
      }
      for (let i = 0; i < hd; i++) f[o + i] /= sum;
    }
  }
  arena.release(probs);
  arena.release(part);
}

/**
 * Prefill. With a helper thread, blocks go in pairs: this thread takes the first, the helper the
 * next (adjacent blocks cost about the same under the causal mask), then the hooks run for both.
 */
export function attendBlocks(
  k: KernelExports, arena: Arena, thread: KernelThread | undefined, b: AttendBuffers, s: AttendShape,
  scratch: Float64Array, onRow?: AttentionRowHook, taps?: AttentionTaps,
): void {
  const { T, past, H, KVH, hd, scaling } = s;
  const S = past + T;
  const rep = H / KVH;
  const width = (S + 3) & ~3;
  const kPacked = arena.alloc(k.packedSize(hd, S) * 4);
  const vPacked = arena.alloc(S * hd * 4);
  const scores = [arena.alloc(ROWS * width * 4), arena.alloc(ROWS * width * 4)];
  const mask = rowMask(taps, T);
  // each thread max-pools into its own copy of the map (rows of adjacent blocks can share a tile row)
  const map = taps?.pooled;
  const maps = map ? (thread ? [0, 1] : [0]).map(() => arena.put(map.data)) : [];
  const mapBytes = map ? map.S * map.S * 4 : 0;
  const block = (h: number, t0: number, which: number) => {
    const R = Math.min(ROWS, T - t0);
    const o = (t0 * H + h) * hd * 4;
    const pooled = map ? [maps[which] + h * mapBytes, map.stride, map.S] : [0, 1, 0];
    return {
      R,
      args: [b.op + o, scores[which], b.qp + o, kPacked, vPacked, R, hd, past + t0 + R, H * hd, width, past + t0 + 1, scaling, H * hd, S, ...pooled, past + t0],
    };
  };
  const hooks = (h: number, t0: number, R: number, at: number) => {
    if (!onRow) return;
    for (let r = 0; r < R; r++) {
      if (mask && !mask[t0 + r]) continue;
      const n = past + t0 + r + 1;
      const row = (at >> 2) + r * width;
      scratch.set(arena.f32().subarray(row, row + n));
      onRow(h, t0 + r, scratch.subarray(0, n));
    }
  };
  for (let kvh = 0; kvh < KVH; kvh++) {
    k.packRows(kPacked, b.kp + kvh * hd * 4, hd, S, KVH * hd);
    k.packColumns(vPacked, b.vp + kvh * hd * 4, S, hd, KVH * hd);
    for (let h = kvh * rep; h < (kvh + 1) * rep; h++) {
      for (let t0 = 0; t0 < T; t0 += thread ? 2 * ROWS : ROWS) {
        const first = block(h, t0, 0);
        const t1 = t0 + ROWS;
        const second = thread && t1 < T ? block(h, t1, 1) : undefined;
        if (second) thread!.post('attendBlock', second.args as Parameters<KernelExports['attendBlock']>);
        k.attendBlock(...(first.args as Parameters<KernelExports['attendBlock']>));
        // a helper that has not started the second block (descheduled) leaves it to this thread
        if (second && thread!.close()) k.attendBlock(...(second.args as Parameters<KernelExports['attendBlock']>));
        else if (second) thread!.wait();
        hooks(h, t0, first.R, scores[0]);
        if (second) hooks(h, t1, second.R, scores[1]);
      }
    }
  }
  if (map) {
    const f = arena.f32();
    const a = maps[0] >> 2;
    if (maps.length > 1) {
      const c = maps[1] >> 2;
      for (let i = 0; i < map.data.length; i++) if (f[c + i] > f[a + i]) f[a + i] = f[c + i];
    }
    arena.get(map.data, maps[0], map.data.length);
  }
  for (const at of [kPacked, vPacked, ...scores, ...maps]) arena.release(at);
}
