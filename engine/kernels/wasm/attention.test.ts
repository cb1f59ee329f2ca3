import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { causalAttention } from '../attention';
import { createWasmBackend } from './backend';
import { availableFlavors, random, relErr } from './testing';

// Node 20 has relaxed SIMD behind a flag: on, so both builds are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

describe.each(availableFlavors())('wasm causal attention (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  // T ≤ 8 takes the row path (decoding), larger T the blocked path; T = 70 crosses a 64-row block.
  it.each([[1, 0, 4, 1, 8], [1, 50, 4, 1, 64], [3, 9, 2, 2, 16], [9, 0, 4, 1, 64], [70, 5, 4, 2, 24], [130, 0, 2, 1, 8]])(
    'agrees with the float64 reference at T=%i past=%i H=%i KVH=%i hd=%i, rows included',
    (T, past, H, KVH, hd) => {
      const S = past + T;
      const q = random(T * H * hd, 1, 2), k = random(S * KVH * hd, 2, 2), v = random(S * KVH * hd, 3);
      const scaling = 1 / Math.sqrt(hd);
      const rows = (store: number[][]) => (h: number, t: number, p: Float64Array) => store.push([h, t, ...p]);
      const wantRows: number[][] = [], gotRows: number[][] = [];
      const want = new Float32Array(T * H * hd), got = new Float32Array(T * H * hd);
      causalAttention(want, q, k, v, new Float64Array(S), T, past, H, KVH, hd, scaling, rows(wantRows));
      be.causalAttention(got, q, k, v, new Float64Array(S), T, past, H, KVH, hd, scaling, rows(gotRows));
      expect(relErr(got, want)).toBeLessThan(1e-5);
      expect(gotRows.length).toBe(H * T);
      for (let i = 0; i < wantRows.length; i++) {
        expect(gotRows[i].slice(0, 2)).toEqual(wantRows[i].slice(0, 2));
        expect(relErr(gotRows[i], wantRows[i])).toBeLessThan(1e-5);
      }
    },
  );
});

describe.each(availableFlavors())('wasm attention taps (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  // strides 1 and 2 (8 columns a step), 3 (scalar tiles, a partial last tile) and 8 (vector tiles); past > 0 shifts the tile rows
  it.each([[3, 0, 4, 1, 8, 1], [70, 0, 4, 1, 16, 3], [200, 0, 4, 1, 64, 8], [130, 6, 2, 2, 8, 8], [150, 0, 4, 1, 16, 1], [150, 3, 4, 1, 16, 2]])(
    'pooled map and selected rows agree with the reference at T=%i past=%i H=%i KVH=%i hd=%i stride %i',
    (T, past, H, KVH, hd, stride) => {
      const S = past + T;
      const q = random(T * H * hd, 4, 3), k = random(S * KVH * hd, 5, 3), v = random(S * KVH * hd, 6);
      const PS = Math.ceil(S / stride);
      const rows = Int32Array.from([0, Math.floor(T / 2), T - 1]);
      const run = (attend: typeof causalAttention) => {
        // the wasm map is written without zeroing where it can be (poolRows' `fresh`): dirty the
        // memory it will get, and the tiles above the diagonal must still come out 0
        const dirty = be.arena.alloc(4 * (S * S + H * PS * PS + 2 ** 16));
        be.arena.f32().fill(7, dirty >>> 2, (dirty >>> 2) + S * S + H * PS * PS + 2 ** 16);
        be.arena.release(dirty);
        const out = new Float32Array(T * H * hd), got: number[][] = [];
        const pooled = { data: new Float32Array(H * PS * PS), stride, S: PS };
        attend(out, q, k, v, new Float64Array(S), T, past, H, KVH, hd, 0.3, (h, t, p) => got.push([h, t, ...p]), { rows, pooled });
        return { out, got, pooled: pooled.data };
      };
      const want = run(causalAttention), got = run(be.causalAttention);
      expect(relErr(got.out, want.out)).toBeLessThan(1e-5);
      expect(got.got.map((r) => r.slice(0, 2))).toEqual(want.got.map((r) => r.slice(0, 2)));
      expect(want.got).toHaveLength(H * rows.length);
      expect(relErr(got.got.flat(), want.got.flat())).toBeLessThan(1e-5);
      expect(want.pooled.some((p) => p > 0)).toBe(true);
      expect(relErr(got.pooled, want.pooled)).toBeLessThan(1e-5);
    },
  );
});

describe.each(availableFlavors())('wasm attention on sharp rows (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  // Scores spread over hundreds: most of each row's exp(x − max) would be subnormal, which x86 runs
  // on a slow path; the kernel stores those as 0 instead (FLOOR in assembly/attention.ts).
  it.each([[1, 300], [70, 0], [130, 6]])('keeps no subnormal probability and matches the reference at T=%i past=%i', (T, past) => {
    const [H, KVH, hd] = [2, 1, 16];
    const S = past + T;
    const q = random(T * H * hd, 11, 40), k = random(S * KVH * hd, 12, 40), v = random(S * KVH * hd, 13);
    const want = new Float32Array(T * H * hd), got = new Float32Array(T * H * hd);
    const rows: number[][] = [];
    causalAttention(want, q, k, v, new Float64Array(S), T, past, H, KVH, hd, 0.25);
    be.causalAttention(got, q, k, v, new Float64Array(S), T, past, H, KVH, hd, 0.25, (_h, _t, p) => rows.push([...p]));
    expect(relErr(got, want)).toBeLessThan(1e-5);
    const probs = rows.flat();
    expect(probs.filter((p) => p === 0).length).toBeGreaterThan(probs.length / 4); // the rows are sharp
    expect(probs.filter((p) => p !== 0 && Math.abs(p) < 2 ** -126)).toEqual([]);
  });
});

describe('wasm attention over a growing KV cache', () => {
  const be = createWasmBackend()!;

  it('decodes step by step like the reference, and notices a cache rewritten in place', () => {
    const [H, KVH, hd, steps] = [2, 1, 8, 12];
    const k = new Float32Array(steps * KVH * hd), v = new Float32Array(steps * KVH * hd);
    const kv = random(2 * steps * KVH * hd, 9);
    const check = () => {
      for (let t = 0; t < steps; t++) {
        k.set(kv.subarray(t * hd, (t + 1) * hd), t * hd);
        v.set(kv.subarray((steps + t) * hd, (steps + t + 1) * hd), t * hd);
        const q = random(H * hd, t);
        const want = new Float32Array(H * hd), got = new Float32Array(H * hd);
        causalAttention(want, q, k, v, new Float64Array(t + 1), 1, t, H, KVH, hd, 0.3);
        be.causalAttention(got, q, k, v, new Float64Array(t + 1), 1, t, H, KVH, hd, 0.3);
        expect(relErr(got, want)).toBeLessThan(1e-5);
      }
    };
    check();
    kv.reverse(); // a new sequence in the same arrays: every row changes
    check();
  });
});
