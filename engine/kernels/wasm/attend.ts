// Attention driven from TypeScript over the wasm pieces (assembly/attention.ts, matmul.ts): decoding
// as two matmuls per KV group on packed mirrors of the cache; prefill in blocks of ROWS query rows
// against K and Vᵀ packed once per KV head.
// Row hooks (probes) get each row's probabilities as float64, in the reference's order (h, t), for
// the rows the taps ask for; the pooled map is filled in wasm (attendBlock) and only its tiles that
// causality reaches are copied out.
import { poolRow, rowMask, type AttentionRowHook, type AttentionTaps, type PooledMap } from '../attention';
import type { Arena } from './arena';
import type { KernelExports } from './loader';
import type { PackedRows } from './packed-kv';
import type { KernelThread } from './threads';

/** Query rows per block in prefill: the scores block is ROWS × (past + T) floats. */
const ROWS = 64;

/** scratch: gemm's, one per thread (gemmScratchBytes() each, the helper's second). */
export interface AttendBuffers { op: number; qp: number; kp: number; vp: number; scratch: number }
export interface AttendShape { T: number; past: number; H: number; KVH: number; hd: number; scaling: number }

/**
 * Decoding (a few new rows): per query t and KV head, scores (rep, L) = q · Kᵀ and out = probs · V
 * as two gemm calls on the packed mirrors of the cache (packed-kv.ts), softmaxRows in between.
 */
export function attendRows(
  k: KernelExports, arena: Arena, kv: PackedRows, b: { op: number; qp: number; scratch: number }, s: AttendShape, scratch: Float64Array,
  onRow?: AttentionRowHook, taps?: AttentionTaps,
): void {
  const { T, past, H, KVH, hd, scaling } = s;
  const rep = H / KVH;
  const mask = rowMask(taps, T);
  const pooled = taps?.pooled;
  const tapped = !!onRow || !!pooled;
  const width = (past + T + 3) & ~3;
  const scores = arena.alloc(rep * width * 4); // (rep, L) at stride width
  const hooks: [number, number, Float32Array][] = []; // (h, t, probabilities), replayed in the reference's order
  for (let t = 0; t < T; t++) {
    const L = past + t + 1;
    for (let kvh = 0; kvh < KVH; kvh++) {
      const o = (t * H + kvh * rep) * hd * 4;
      k.gemm(scores, b.qp + o, kv.kAt + kvh * kv.cap * hd * 4, rep, hd, L, hd, width, hd, b.scratch);
      for (let r = 0; r < rep; r++) k.softmaxRows(scores + r * width * 4, 1, width, L, L, scaling);
      k.gemm(b.op + o, scores, kv.vAt + kvh * kv.cap * hd * 4, rep, L, hd, width, hd, kv.cap, b.scratch);
      if (!tapped) continue;
      const f = arena.f32();
      for (let r = 0; r < rep; r++) hooks.push([kvh * rep + r, t, f.slice((scores >>> 2) + r * width, (scores >>> 2) + r * width + L)]);
    }
  }
  hooks.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const [h, t, p] of hooks) {
    scratch.set(p);
    if (pooled) poolRow(pooled, h, past + t, scratch, p.length);
    if (onRow && (!mask || mask[t])) onRow(h, t, scratch.subarray(0, p.length));
  }
  arena.release(scores);
}

/**
 * Prefill. With a helper thread, both threads claim (head, block) chunks of a KV group from a
 * counter (split.ts attendChunks: one hand-over per group instead of one per pair of blocks, each
 * of which cost a wake-up of the sleeping helper and often a sleep of this thread); row hooks then
 * get their rows recomputed here (hookedRow: the scores and softmax of a few rows, not the block).
 * When every row is hooked (the full map), blocks go in pairs instead: this thread takes the first,
 * the helper the next, then the hooks run for both.
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
  const scoresAt = arena.alloc(2 * ROWS * width * 4); // one block per thread, the helper's second
  const scores = [scoresAt, scoresAt + ROWS * width * 4];
  const mask = rowMask(taps, T);
  // Two threads pool into one copy where every tile row lies inside one block of rows (no two
  // chunks touch a tile), else each into its own, merged in wasm at the end (4 MB a layer at
  // T = 1,000 and a 512-side map: the second copy's fill and the merge were ~10 ms of a prefill).
  // One copy gets each tile row in order, its first row first (one thread goes through the blocks
  // in order), so that row's block writes it without reading it (poolRows' `fresh`) and the map
  // needs no zeros but in the tile rows this call does not start; two copies start at zeros.
  const map = taps?.pooled;
  const oneMap = !thread || (map !== undefined && ROWS % map.stride === 0 && past % map.stride === 0);
  const maps = map ? (oneMap ? [0] : [0, 1]).map(() => arena.alloc(map.data.length * 4)) : [];
  const mapOf = (which: number) => maps[oneMap ? 0 : which];
  if (map && oneMap) zeroUnstarted(arena.f32(), maps[0] >>> 2, map, H, past, S);
  else for (const at of maps) arena.f32().fill(0, at >>> 2, (at >>> 2) + map!.data.length);
  const fresh = oneMap ? 1 : 0;
  const mapBytes = map ? map.S * map.S * 4 : 0;
  const block = (h: number, t0: number, which: number) => {
    const R = Math.min(ROWS, T - t0);
    const o = (t0 * H + h) * hd * 4;
    const pooled = map ? [mapOf(which) + h * mapBytes, map.stride, map.S] : [0, 1, 0];
    return {
      R,
      args: [
        b.op + o, scores[which], b.qp + o, kPacked, vPacked, R, hd, past + t0 + R, H * hd, width, past + t0 + 1, scaling, H * hd, S,
        ...pooled, past + t0, fresh, b.scratch + which * k.gemmScratchBytes(),
      ],
    };
  };
  const hooks = (h: number, t0: number, R: number, at: number) => {
    if (!onRow) return;
    for (let r = 0; r < R; r++) {
      if (mask && !mask[t0 + r]) continue;
      const n = past + t0 + r + 1;
      const row = (at >>> 2) + r * width;
      scratch.set(arena.f32().subarray(row, row + n));
      onRow(h, t0 + r, scratch.subarray(0, n));
    }
  };
  /**
   * Query t's probabilities for head h, recomputed in scores[0] as its block computed them; returns
   * the row's byte offset. gemm runs whole quads of 4 rows (MR in assembly/matmul.ts) through one
   * micro-kernel and a block's leftover rows one at a time through another (its own summation order),
   * so the quad that held t is redone, or t alone past the block's last quad: every score, and so the
   * softmax, comes out bit for bit the same (a column's sum does not depend on how many there are).
   */
  const hookedRow = (h: number, t: number): number => {
    const t0 = t - (t % ROWS);
    const r = t - t0;
    const quad = r - (r % 4);
    const [s0, n] = quad + 4 <= Math.min(ROWS, T - t0) ? [t0 + quad, 4] : [t, 1];
    const L = past + s0 + n;
    k.gemm(scores[0], b.qp + (s0 * H + h) * hd * 4, kPacked, n, hd, L, H * hd, width, hd, b.scratch);
    k.softmaxRows(scores[0], n, width, past + s0 + 1, L, scaling);
    return scores[0] + (t - s0) * width * 4;
  };
  for (let kvh = 0; kvh < KVH; kvh++) {
    k.packRows(kPacked, b.kp + kvh * hd * 4, hd, S, KVH * hd);
    k.packColumns(vPacked, b.vp + kvh * hd * 4, S, hd, KVH * hd);
    if (thread && (!onRow || mask)) {
      thread.split(k, 'attendChunks', [
        b.op, b.qp, kPacked, vPacked, T, past, kvh * rep, rep, H, hd, width, scaling, S, ROWS, scoresAt,
        map ? mapOf(0) : 0, map ? mapOf(1) : 0, mapBytes, map?.stride ?? 1, map?.S ?? 0, fresh, b.scratch,
      ]);
      if (!onRow || !mask) continue;
      for (let h = kvh * rep; h < (kvh + 1) * rep; h++) {
        for (let t = 0; t < T; t++) {
          if (!mask[t]) continue;
          const row = hookedRow(h, t) >>> 2;
          const n = past + t + 1;
          scratch.set(arena.f32().subarray(row, row + n));
          onRow(h, t, scratch.subarray(0, n));
        }
      }
      continue;
    }
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
    if (maps.length > 1) k.maxInto(maps[0], maps[1], map.data.length);
    getCausalTiles(arena.f32(), maps[0] >>> 2, map, H);
  }
  for (const at of [kPacked, vPacked, scoresAt, ...maps]) arena.release(at);
}

/**
 * Zeros the tile rows of a one-copy map (H, PS, PS) at float index `at` that no block of this call
 * starts: those holding positions before past (earlier calls' rows; the tile row past falls inside
 * is only added to) and those after the last position's, S − 1. poolRows writes every other one.
 */
function zeroUnstarted(f32: Float32Array, at: number, map: PooledMap, H: number, past: number, S: number): void {
  const PS = map.S;
  const first = Math.min(PS, Math.ceil(past / map.stride));
  const end = Math.min(PS, Math.floor((S - 1) / map.stride) + 1);
  for (let h = 0; h < H; h++) {
    const head = at + h * PS * PS;
    if (first > 0) f32.fill(0, head, head + first * PS);
    if (end < PS) f32.fill(0, head + end * PS, head + PS * PS);
  }
}

/**
 * Copies the tiles of a map (H, PS, PS) at float index `at` that causality lets be nonzero, tile row
 * r's first r + 1, into map.data, whose others stay zeros (the taps' map arrives zeroed): the wasm
 * copy's other tiles are never written, and half the bytes cross (a row a call: 2,000 calls a layer
 * at T = 1,000 cost about what the other half's bytes would).
 */
function getCausalTiles(f32: Float32Array, at: number, map: PooledMap, H: number): void {
  const PS = map.S;
  for (let h = 0; h < H; h++) {
    for (let r = 0; r < PS; r++) {
      const o = (h * PS + r) * PS;
      map.data.set(f32.subarray(at + o, at + o + r + 1), o);
    }
  }
}
