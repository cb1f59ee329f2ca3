// Attention driven from TypeScript over the wasm pieces (assembly/attention.ts): decoding one
// position at a time for all heads of a KV group; prefill in blocks of ROWS query rows against K
// and Vᵀ packed once per KV head.
// Row hooks (probes) get each row's probabilities as float64, in the reference's order (h, t).
import type { AttentionRowHook } from '../attention';
import type { Arena } from './arena';
import type { KernelExports } from './loader';
import type { KernelThread } from './threads';

/** Query rows per block in prefill: the scores block is ROWS × (past + T) floats. */
const ROWS = 64;

export interface AttendBuffers { op: number; qp: number; kp: number; vp: number }
export interface AttendShape { T: number; past: number; H: number; KVH: number; hd: number; scaling: number }

export function attendRows(
  k: KernelExports, arena: Arena, b: AttendBuffers, s: AttendShape, scratch: Float64Array, onRow?: AttentionRowHook,
): void {
  const { T, past, H, KVH, hd, scaling } = s;
  const rep = H / KVH;
  const probs = arena.alloc(rep * (past + T) * 4); // (rep, L)
  const hooks: [number, number, Float32Array][] = []; // (h, t, probabilities), replayed in the reference's order
  for (let t = 0; t < T; t++) {
    const L = past + t + 1;
    for (let kvh = 0; kvh < KVH; kvh++) {
      const o = (t * H + kvh * rep) * hd * 4;
      k.attendRow(b.op + o, probs, b.qp + o, b.kp + kvh * hd * 4, b.vp + kvh * hd * 4, L, KVH * hd, hd, scaling, rep);
      if (!onRow) continue;
      for (let r = 0; r < rep; r++) hooks.push([kvh * rep + r, t, arena.f32().slice((probs >> 2) + r * L, (probs >> 2) + (r + 1) * L)]);
    }
  }
  hooks.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const [h, t, p] of hooks) {
    scratch.set(p);
    onRow!(h, t, scratch.subarray(0, p.length));
  }
  arena.release(probs);
}

/**
 * Prefill. With a helper thread, blocks go in pairs: this thread takes the first, the helper the
 * next (adjacent blocks cost about the same under the causal mask), then the hooks run for both.
 */
export function attendBlocks(
  k: KernelExports, arena: Arena, thread: KernelThread | undefined, b: AttendBuffers, s: AttendShape,
  scratch: Float64Array, onRow?: AttentionRowHook,
): void {
  const { T, past, H, KVH, hd, scaling } = s;
  const S = past + T;
  const rep = H / KVH;
  const width = (S + 3) & ~3;
  const kPacked = arena.alloc(k.packedSize(hd, S) * 4);
  const vPacked = arena.alloc(S * hd * 4);
  const scores = [arena.alloc(ROWS * width * 4), arena.alloc(ROWS * width * 4)];
  const block = (h: number, t0: number) => {
    const R = Math.min(ROWS, T - t0);
    const o = (t0 * H + h) * hd * 4;
    return { R, args: [b.op + o, 0, b.qp + o, kPacked, vPacked, R, hd, past + t0 + R, H * hd, width, past + t0 + 1, scaling, H * hd, S] };
  };
  const hooks = (h: number, t0: number, R: number, at: number) => {
    if (!onRow) return;
    for (let r = 0; r < R; r++) {
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
        const first = block(h, t0);
        first.args[1] = scores[0];
        const t1 = t0 + ROWS;
        const second = thread && t1 < T ? block(h, t1) : undefined;
        if (second) {
          second.args[1] = scores[1];
          thread!.post('attendBlock', second.args as Parameters<KernelExports['attendBlock']>);
        }
        k.attendBlock(...(first.args as Parameters<KernelExports['attendBlock']>));
        if (second) thread!.wait();
        hooks(h, t0, first.R, scores[0]);
        if (second) hooks(h, t1, second.R, scores[1]);
      }
    }
  }
  for (const at of [kPacked, vPacked, ...scores]) arena.release(at);
}
