import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { mamba1ImplicitTerms, mamba1Scan, mamba2Scan, mamba2ScanQuadratic } from '../scan';
import { createWasmBackend } from './backend';
import { availableFlavors, kernelsOf, random, relErr } from './testing';

// Node 20 has relaxed SIMD behind a flag: on, so both builds are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

// Inputs shaped like a trained layer's: dt after softplus in (0, 0.5], A = -exp(A_log) < 0.
function inputs(T: number, H: number, P: number, N: number, G: number, seed: number) {
  const dt = random(T * H, seed).map((v) => 0.05 + 0.2 * Math.abs(v));
  const A = Float64Array.from(random(H, seed + 1), (v) => -Math.exp(v));
  return {
    x: random(T * H * P, seed + 2), dt, A, B: random(T * G * N, seed + 3), C: random(T * G * N, seed + 4),
    D: random(H, seed + 5),
  };
}

describe.each(availableFlavors())('wasm Mamba-2 scan (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  it.each([[1, 2, 4, 8, 1], [37, 4, 8, 16, 2], [300, 8, 64, 64, 1], [5, 3, 5, 8, 3]])(
    'agrees with the float64 recurrence at T=%i H=%i P=%i N=%i G=%i within 1e-5, with probes',
    (T, H, P, N, G) => {
      const { x, dt, A, B, C, D } = inputs(T, H, P, N, G, T + N);
      const S = H * P * N;
      const state0 = Float64Array.from(random(S, 9));
      const at = Int32Array.from([0, Math.floor(T / 2), T - 1]);
      const want = { y: new Float32Array(T * H * P), s: state0.slice(), norm: new Float32Array(H * T), snaps: new Float32Array(3 * S) };
      const got = { y: new Float32Array(T * H * P), s: state0.slice(), norm: new Float32Array(H * T), snaps: new Float32Array(3 * S) };
      mamba2Scan(want.y, want.s, x, dt, A, B, C, D, T, H, P, N, G, { stateNorm: want.norm, snapshotAt: at, snapshots: want.snaps });
      be.mamba2Scan(got.y, got.s, x, dt, A, B, C, D, T, H, P, N, G, { stateNorm: got.norm, snapshotAt: at, snapshots: got.snaps });
      expect(relErr(got.y, want.y)).toBeLessThan(1e-5);
      expect(relErr(got.s, want.s)).toBeLessThan(1e-5);
      expect(relErr(got.norm, want.norm)).toBeLessThan(1e-5);
      expect(relErr(got.snaps, want.snaps)).toBeLessThan(1e-5);
    },
  );

  it('reads x at a row stride (the conv output rows) as it reads a packed x, bit for bit; so does the twin', () => {
    const [T, H, P, N, G, extra] = [23, 2, 16, 16, 1, 40];
    const { x, dt, A, B, C, D } = inputs(T, H, P, N, G, 11);
    const xs = H * P + extra;
    const wide = random(T * xs, 12);
    for (let t = 0; t < T; t++) wide.set(x.subarray(t * H * P, (t + 1) * H * P), t * xs);
    for (const scan of [be.mamba2Scan, mamba2Scan]) {
      const run = (xIn: Float32Array, stride?: number) => {
        const y = new Float32Array(T * H * P), s = Float64Array.from(random(H * P * N, 9)), norm = new Float32Array(H * T);
        scan(y, s, xIn, dt, A, B, C, D, T, H, P, N, G, { stateNorm: norm }, stride);
        return [y, s, norm];
      };
      const [want, got] = [run(x), run(wide, xs)];
      got.forEach((a, i) => expect(a).toEqual(want[i]));
    }
  });

  it('continues across calls: two halves equal one pass, and match the quadratic (SSD) form', () => {
    const [T, H, P, N, G] = [40, 2, 8, 16, 1];
    const { x, dt, A, B, C, D } = inputs(T, H, P, N, G, 3);
    const quad = { y: new Float32Array(T * H * P), s: new Float64Array(H * P * N) };
    mamba2ScanQuadratic(quad.y, quad.s, x, dt, A, B, C, D, T, H, P, N, G);
    const y = new Float32Array(T * H * P);
    const s = new Float64Array(H * P * N);
    const h = 17;
    be.mamba2Scan(y, s, x, dt, A, B, C, D, h, H, P, N, G);
    be.mamba2Scan(y.subarray(h * H * P), s, x.subarray(h * H * P), dt.subarray(h * H), A, B.subarray(h * G * N),
      C.subarray(h * G * N), D, T - h, H, P, N, G);
    expect(relErr(y, quad.y)).toBeLessThan(1e-5);
    expect(relErr(s, quad.s)).toBeLessThan(1e-5);
  });
});

describe.each(availableFlavors())('wasm Mamba-1 scan (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  it.each([[1, 4, 4, 4], [29, 12, 16, 4], [200, 512, 16, 64], [7, 6, 8, 6]])(
    'agrees with the float64 recurrence at T=%i I=%i N=%i (norm groups of %i) within 1e-5',
    (T, I, N, group) => {
      const x = random(T * I, 1);
      const delta = random(T * I, 2).map((v) => 0.01 + 0.5 * Math.abs(v));
      const A = Float64Array.from(random(I * N, 3), (v) => -Math.exp(2 * v));
      const B = random(T * N, 4), C = random(T * N, 5), D = random(I, 6);
      const state0 = Float64Array.from(random(I * N, 7));
      const at = Int32Array.from([T - 1]);
      const run = (scan: typeof mamba1Scan) => {
        const out = { y: new Float32Array(T * I), s: state0.slice(), norm: new Float32Array((I / group) * T), snaps: new Float32Array(I * N) };
        scan(out.y, out.s, x, delta, A, B, C, D, T, I, N, { stateNorm: out.norm, normGroup: group, snapshotAt: at, snapshots: out.snaps });
        return out;
      };
      const want = run(mamba1Scan);
      const got = run(be.mamba1Scan);
      expect(relErr(got.y, want.y)).toBeLessThan(1e-5);
      expect(relErr(got.s, want.s)).toBeLessThan(1e-5);
      expect(relErr(got.norm, want.norm)).toBeLessThan(1e-5);
      expect(relErr(got.snaps, want.snaps)).toBeLessThan(1e-5);
    },
  );
});

describe.each(availableFlavors())('wasm Mamba-1 scan at N = 16 (%s build)', (flavor) => {
  it('gives the general loop\'s bits (its own loop, channels innermost), over all channels and over a split\'s share', () => {
    const { be, k } = kernelsOf(flavor);
    const [T, I, N, group] = [37, 96, 16, 32];
    const put = (a: Float32Array) => {
      const at = be.arena.alloc(a.length * 4);
      be.arena.f32().set(a, at >> 2);
      return at;
    };
    const x = put(random(T * I, 1));
    const delta = put(random(T * I, 2).map((v) => 0.01 + 0.5 * Math.abs(v)));
    const A = put(random(I * N, 3).map((v) => -Math.exp(3 * v)));
    const B = put(random(T * N, 4)), C = put(random(T * N, 5)), D = put(random(I, 6));
    const s0 = random(I * N, 7);
    const run = (scan: typeof k.mamba1Scan, d0: number, d1: number) => {
      const sizes = [T * I, I * N, (I / group) * T];
      const [y, s, norm] = sizes.map((n) => be.arena.alloc(n * 4));
      be.arena.f32().set(s0, s >> 2);
      scan(y, s, x, delta, A, B, C, D, T, I, N, norm, T, group, d0, d1);
      // the bits, so -0 against +0 or one NaN against another would show
      return [y, s, norm].map((at, i) => Array.from(new Uint32Array(be.arena.memory.buffer, at, sizes[i])));
    };
    for (const [d0, d1] of [[0, I], [group, 2 * group]]) {
      const general = run((...a) => k.mamba1ScanAnyN(...a), d0, d1);
      const own = run((y, s, x2, dl, A2, B2, C2, D2, T2, I2, _N, ...rest) => k.mamba1Scan16(y, s, x2, dl, A2, B2, C2, D2, T2, I2, ...rest), d0, d1);
      const dispatched = run((...a) => k.mamba1Scan(...a), d0, d1);
      own.forEach((bits, i) => expect(bits).toEqual(general[i]));
      dispatched.forEach((bits, i) => expect(bits).toEqual(general[i]));
    }
  });
});

describe.each(availableFlavors())('wasm Mamba-1 implicit-attention terms (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  it.each([[1, 4, 1, 0], [40, 16, 8, 3], [600, 16, 32, 31], [9, 12, 4, 2], [7, 6, 2, 1]])(
    'agree with the float64 twin at T=%i N=%i I=%i channel %i within 1e-5 (over an existing row)',
    (T, N, I, d) => {
      const delta = random(T * I, T + 1).map((v) => 0.01 + 0.1 * Math.abs(v));
      const A = Float64Array.from(random(I * N, T + 2), (v) => -Math.exp(v));
      const B = random(T * N, T + 3), C = random(T * N, T + 4);
      const cum = new Float64Array(T);
      for (let s = 0, c = 0; s < T; s++) cum[s] = c += delta[s * I + d];
      for (const t of [0, Math.floor(T / 2), T - 1]) {
        const want = random(T, 5), got = want.slice();
        mamba1ImplicitTerms(want, t, cum, delta, d, I, A, B, C, N);
        be.mamba1ImplicitTerms(got, t, cum, delta, d, I, A, B, C, N);
        expect(relErr(got, want)).toBeLessThan(1e-5);
        expect(got.subarray(t + 1)).toEqual(want.subarray(t + 1)); // s > t untouched
      }
    },
  );
});

describe('wasm scans over many calls', () => {
  it('do not grow the arena when the layer passes a fresh A each call (as it does)', () => {
    const be = createWasmBackend()!;
    const [I, N] = [16, 8];
    const args = () => [random(I, 1), random(I, 2).map(Math.abs), Float64Array.from(random(I * N, 3), (v) => -Math.exp(v))] as const;
    const state = new Float64Array(I * N), y = new Float32Array(I), B = random(N, 4), C = random(N, 5), D = random(I, 6);
    const step = () => {
      const [x, delta, A] = args();
      be.mamba1Scan(y, state, x, delta, A, B, C, D, 1, I, N);
      be.mamba2Scan(y, state, x, delta.subarray(0, 2), A.subarray(0, 2), B, C, D.subarray(0, 2), 1, 2, I / 2, N, 1);
    };
    step();
    const used = be.arena.used;
    for (let i = 0; i < 20; i++) step();
    expect(be.arena.used).toBe(used);
  });
});
