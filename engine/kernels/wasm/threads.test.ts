import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNodeHelper, untilReady } from '../../../bench/helper-port';
import { causalAttention } from '../attention';
import { matmulRef } from '../matmul';
import { mamba1Scan, mamba2Scan } from '../scan';
import { createWasmBackend } from './backend';
import { ARGS, DONE, ENTER, JOB, NEXT, READY, SEQ } from './threads';
import { random, relErr } from './testing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

// The same agreement tests as the one-thread kernels, on shapes big enough to be split in two.
describe('wasm kernels on two threads', () => {
  const be = createWasmBackend({ spawnHelper: spawnNodeHelper })!;
  afterAll(() => be.dispose());

  it('starts the helper thread', async () => {
    expect(await untilReady(() => be.threads() === 2)).toBe(true);
  });

  it.each([[64, 33, 19], [130, 256, 1160], [999, 64, 24]])('matmul agrees with matmulRef at T=%i In=%i Out=%i', (T, In, Out) => {
    const x = random(T * In, 1), w = random(In * Out, 2, 0.2);
    const want = new Float32Array(T * Out), got = new Float32Array(T * Out);
    matmulRef(want, x, w, T, In, Out);
    be.matmul(got, x, w, T, In, Out);
    expect(relErr(got, want)).toBeLessThan(1e-6);
  });

  it.each([[300, 64, 512], [130, 48, 37]])(
    'matmul with or without a bias, then relu² or softplus or neither, on two threads (the epilogue in each chunk) gives the bits of one thread at T=%i In=%i Out=%i',
    (T, In, Out) => {
      const one = createWasmBackend()!;
      try {
        const x = random(T * In, 3), w = random(In * Out, 4, 0.3);
        // with a bias and without (the hybrid's relu² MLP has none)
        for (const bias of [random(Out, 5, 2), undefined]) {
          for (const act of [undefined, 'relu2', 'softplus'] as const) {
            const [a, b] = [one, be].map((k) => {
              const y = new Float32Array(T * Out);
              k.matmul(y, x, w, T, In, Out, bias, act);
              return y;
            });
            expect(b).toEqual(a);
            // and against the product, then the bias and the activation in float64
            const want = new Float32Array(T * Out);
            matmulRef(want, x, w, T, In, Out, bias);
            const f = act === 'relu2' ? (v: number) => Math.max(v, 0) ** 2 : act === 'softplus' ? (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v))) : (v: number) => v;
            expect(relErr(b, want.map(f))).toBeLessThan(2e-6);
          }
        }
      } finally {
        one.dispose();
      }
    },
  );

  it('Mamba-2 and Mamba-1 scans agree with the float64 recurrences, norms and snapshots included', () => {
    const [T, H, P, N] = [50, 4, 8, 16];
    const x = random(T * H * P, 1), dt = random(T * H, 2).map((v) => 0.05 + 0.2 * Math.abs(v));
    const A = Float64Array.from(random(H, 3), (v) => -Math.exp(v)), B = random(T * N, 4), C = random(T * N, 5), D = random(H, 6);
    const at = Int32Array.from([10, T - 1]);
    const run2 = (scan: typeof mamba2Scan) => {
      const o = { y: new Float32Array(T * H * P), s: new Float64Array(H * P * N), norm: new Float32Array(H * T), snaps: new Float32Array(2 * H * P * N) };
      scan(o.y, o.s, x, dt, A, B, C, D, T, H, P, N, 1, { stateNorm: o.norm, snapshotAt: at, snapshots: o.snaps });
      return [o.y, o.s, o.norm, o.snaps];
    };
    run2(mamba2Scan).forEach((want, i) => expect(relErr(run2(be.mamba2Scan)[i], want)).toBeLessThan(1e-5));
    const I = H * P, A1 = Float64Array.from(random(I * N, 7), (v) => -Math.exp(v)), D1 = random(I, 8);
    const run1 = (scan: typeof mamba1Scan) => {
      const o = { y: new Float32Array(T * I), s: new Float64Array(I * N), norm: new Float32Array(4 * T) };
      scan(o.y, o.s, x, x.map(Math.abs), A1, B, C, D1, T, I, N, { stateNorm: o.norm, normGroup: I / 4 });
      return [o.y, o.s, o.norm];
    };
    run1(mamba1Scan).forEach((want, i) => expect(relErr(run1(be.mamba1Scan)[i], want)).toBeLessThan(1e-5));
  });

  it('prefill attention agrees with the reference, row hooks in the reference order', () => {
    const [T, past, H, KVH, hd] = [200, 3, 4, 1, 16];
    const S = past + T;
    const q = random(T * H * hd, 1), k = random(S * KVH * hd, 2), v = random(S * KVH * hd, 3);
    const rows = (store: number[][]) => (h: number, t: number, p: Float64Array) => store.push([h, t, p[0], p[p.length - 1], p.length]);
    const wantRows: number[][] = [], gotRows: number[][] = [];
    const want = new Float32Array(T * H * hd), got = new Float32Array(T * H * hd);
    causalAttention(want, q, k, v, new Float64Array(S), T, past, H, KVH, hd, 0.25, rows(wantRows));
    be.causalAttention(got, q, k, v, new Float64Array(S), T, past, H, KVH, hd, 0.25, rows(gotRows));
    expect(relErr(got, want)).toBeLessThan(1e-5);
    expect(gotRows.map((r) => r.slice(0, 2))).toEqual(wantRows.map((r) => r.slice(0, 2)));
    expect(relErr(gotRows.flat(), wantRows.flat())).toBeLessThan(1e-5);
  });

  it('keeps the control words clear of the arguments (the chunk counter once shared a word with the first one)', () => {
    const words = [SEQ, DONE, READY, JOB, NEXT, ENTER];
    expect(new Set(words).size).toBe(words.length);
    expect(Math.max(...words)).toBeLessThan(ARGS * 2);
  });

  it('decoding GEMVs with ≥ 1M weights, shared by two threads in column chunks, agree with the reference', () => {
    for (const [In, Out, bf16] of [[1024, 1160, 0], [2048, 512, 1], [1024, 1000, 1]]) {
      const w = random(In * Out, In, 0.1), x = random(In, Out);
      if (bf16) for (let i = 0, bits = new Uint32Array(w.buffer); i < bits.length; i++) bits[i] &= 0xffff0000;
      const want = new Float32Array(Out), got = new Float32Array(Out);
      matmulRef(want, x, w, 1, In, Out);
      be.matmul(got, x, w, 1, In, Out);
      expect(relErr(got, want)).toBeLessThan(1e-6);
    }
  });

  it('decoding attention over ≥ 1024 keys on the two-thread backend agrees with the reference', () => {
    for (const [past, H, KVH, hd] of [[1500, 4, 2, 16], [1023, 4, 1, 64], [2047, 2, 2, 8]]) {
      const S = past + 1;
      const q = random(H * hd, past, 3), k = random(S * KVH * hd, 2, 3), v = random(S * KVH * hd, 3);
      const want = new Float32Array(H * hd), got = new Float32Array(H * hd);
      causalAttention(want, q, k, v, new Float64Array(S), 1, past, H, KVH, hd, 0.25);
      be.causalAttention(got, q, k, v, new Float64Array(S), 1, past, H, KVH, hd, 0.25);
      expect(relErr(got, want)).toBeLessThan(1e-5);
    }
  });

  /** A T-token prefill of random q, k (×scale), v with a pooled map (and hooks on `rows`, if given), by `attend`. */
  const pooledPrefill = (attend: typeof causalAttention, [T, H, KVH, hd, stride]: number[], seed: number, scale: number, rows?: number[]) => {
    const q = random(T * H * hd, seed, scale), k = random(T * KVH * hd, seed + 1, scale), v = random(T * KVH * hd, seed + 2);
    const PS = Math.ceil(T / stride);
    const out = new Float32Array(T * H * hd);
    const pooled = { data: new Float32Array(H * PS * PS), stride, S: PS };
    const hooked: number[][] = [];
    const onRow = rows && ((h: number, t: number, p: Float64Array) => { hooked.push([h, t, p.length, ...p]); });
    attend(out, q, k, v, new Float64Array(T), T, 0, H, KVH, hd, 0.25, onRow, { pooled, ...(rows && { rows: Int32Array.from(rows) }) });
    return { out, map: pooled.data, hooked };
  };

  it('prefill attention with hooks on a few rows (blocks shared by both threads, then rerun for the hooks) agrees with the reference', () => {
    const shape = [333, 4, 2, 16, 7], rows = [0, 70, 200, 333 - 1];
    const want = pooledPrefill(causalAttention, shape, 21, 2, rows), got = pooledPrefill(be.causalAttention, shape, 21, 2, rows);
    expect(relErr(got.out, want.out)).toBeLessThan(1e-5);
    expect(relErr(got.map, want.map)).toBeLessThan(1e-5);
    expect(got.hooked.map((r) => r.slice(0, 3))).toEqual(want.hooked.map((r) => r.slice(0, 3)));
    expect(relErr(got.hooked.flat(), want.hooked.flat())).toBeLessThan(1e-5);
  });

  /** Fills the arena's free memory with 7s: the pooled map is written without zeroing where it can be (poolRows' `fresh`). */
  const dirty = (b: NonNullable<ReturnType<typeof createWasmBackend>>) => {
    const at = b.arena.alloc(2 ** 22);
    b.arena.f32().fill(7, at >>> 2, (at + 2 ** 22) >>> 2);
    b.arena.release(at);
  };

  // stride 7: tile rows straddle blocks (a map copy per thread); 4: they do not (one map for both)
  it.each([7, 4])('prefill attention on two threads hooks and pools bit for bit as on one (rows in a quad, a leftover row, stride %i)', (stride) => {
    const one = createWasmBackend()!;
    // 333 = 5 blocks of 64 + 13 rows: 3 quads and row 332 left over; 70 and 199 sit inside quads
    const shape = [333, 4, 2, 16, stride], rows = [0, 70, 199, 330, 332];
    dirty(one);
    dirty(be);
    const want = pooledPrefill(one.causalAttention, shape, 31, 2, rows), got = pooledPrefill(be.causalAttention, shape, 31, 2, rows);
    expect(got.out).toEqual(want.out);
    expect(got.map).toEqual(want.map);
    expect(got.hooked).toEqual(want.hooked);
    // over dirty memory, every tile above the diagonal still comes out 0, as the reference's
    expect(relErr(got.map, pooledPrefill(causalAttention, shape, 31, 2, rows).map)).toBeLessThan(1e-5);
  });

  // 1,000 rows of 256 (or of 512 for the conv): over the row kernels' split threshold, with a last chunk of 40 rows
  it('conv1d, rmsnorm, the gated norm, siluGate and the residual add on two threads give the bits of one thread', () => {
    const one = createWasmBackend()!;
    const [T, D, C, K] = [1000, 256, 512, 4];
    const both = (f: (b: typeof be) => Float32Array[]) => [f(one), f(be)];
    const x = random(T * C, 1), w = random(C * K, 2, 0.3), bias = random(C, 3, 0.1);
    const [c1, c2] = both((b) => {
      const out = new Float32Array(T * C), history = random((K - 1) * C, 4);
      b.conv1dCausal(out, x, history, w, bias, T, C, K, 'silu');
      return [out, history];
    });
    expect(c2).toEqual(c1);
    const y = random(T * D, 5), z = random(T * 2 * D, 6), g = random(D, 7, 0.5);
    const [n1, n2] = both((b) => {
      const plain = new Float32Array(T * D), gated = y.slice();
      b.rmsnorm(plain, y, g, T, D, 1e-5);
      b.gatedRmsnorm(gated, z, D, 2 * D, g, T, D, 1e-5, D / 4);
      const silu = y.slice();
      b.siluGate(silu, z, D, 2 * D, T, D);
      return [plain, gated, silu];
    });
    expect(n2).toEqual(n1);
    expect(n1[0]).not.toEqual(y);
    const [r1, r2] = both((b) => {
      const stream = z.slice(0, T * D), yNorms = new Float32Array(T), xNorms = new Float32Array(T);
      b.residualAdd(stream, y, T, D, yNorms, xNorms);
      return [stream, yNorms, xNorms];
    });
    expect(r2).toEqual(r1);
  });

  it('prefill attention pools the same map on two threads (tile rows shared by adjacent blocks)', () => {
    const shape = [300, 2, 1, 16, 5];
    const want = pooledPrefill(causalAttention, shape, 11, 3), got = pooledPrefill(be.causalAttention, shape, 11, 3);
    expect(relErr(got.out, want.out)).toBeLessThan(1e-5);
    expect(relErr(got.map, want.map)).toBeLessThan(1e-5);
  });
});
