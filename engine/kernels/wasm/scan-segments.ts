// A scan run in segments that end at each snapshot position, so the state can be copied out of wasm
// memory there (the probes' state snapshots); shared by the Mamba-2 and Mamba-1 scans of backend.ts.
// The backend's own states are float32 (stateFloat32: copied in and out as they are); a float64
// state (made under the reference kernels) is converted on the way.
import type { ScanProbe } from '../scan';
import type { Arena } from './arena';

/**
 * Runs a scan over [0, T) in segments that end at each snapshot position, so the state can be
 * copied out there; converts the float64 state to the kernels' float32 on the way in and back on
 * the way out (typed-array set converts in one pass); fills probe.stateNorm.
 */
export interface F64Convert {
  /** float32 block at byte offset `at` ← src */
  in(at: number, src: Float64Array): void;
  /** dst ← float32 block at byte offset `at` */
  out(dst: Float64Array, at: number): void;
}

export function scanSegments(
  arena: Arena, convert: F64Convert, state: Float64Array | Float32Array, placedAt: number, S: number, T: number,
  probe: ScanProbe | undefined, normSize: number, run: (s: number, t0: number, t1: number, norm: number) => void,
): void {
  // a state placed in the memory (placedAt ≥ 0) is scanned where it is; a float32 one (the states
  // this backend makes) is copied in as is, a float64 one converted
  const placed = placedAt >= 0;
  const s = placed ? placedAt : arena.alloc(S * 4);
  if (!placed) {
    if (state instanceof Float32Array) arena.f32().set(state.subarray(0, S), s >>> 2);
    else convert.in(s, state.subarray(0, S));
  }
  const norm = probe?.stateNorm ? arena.alloc(normSize * 4) : 0;
  let t0 = 0;
  let snap = 0;
  const at = probe?.snapshotAt;
  while (t0 < T) {
    while (at && snap < at.length && at[snap] < t0) snap++;
    const t1 = at && snap < at.length && at[snap] < T ? at[snap] + 1 : T;
    run(s, t0, t1, norm);
    while (at && probe?.snapshots && snap < at.length && at[snap] === t1 - 1) {
      arena.get(probe.snapshots.subarray(snap * S, (snap + 1) * S), s, S);
      snap++;
    }
    t0 = t1;
  }
  if (probe?.stateNorm) {
    arena.get(probe.stateNorm, norm, normSize);
    arena.release(norm);
  }
  if (placed) return;
  if (state instanceof Float32Array) arena.get(state, s, S);
  else convert.out(state.subarray(0, S), s);
  arena.release(s);
}
