// Depthwise causal conv1d (torch Conv1d with groups = channels, padding K-1, output cut to T),
// continued from a history of the previous K-1 inputs so prefill, chunked prefill and single-token
// steps share one code path. Reference: transformers MambaMixer / Mamba2Mixer torch paths.
import { silu } from './activations';

/**
 * out (T, C) = bias + Σ_j w[c, j] · x[t - (K-1) + j, c], where rows before 0 come from `history`
 * (K-1, C), the previous inputs, oldest first (zeros at the start of a sequence). Afterwards
 * `history` holds the last K-1 inputs. Rows of x are tokens; x is (T, C), its rows xStride apart (the
 * conv's columns read where a projection wrote them). With `act`, out = silu(out) (both Mamba
 * mixers apply it right after the conv; fused so a fast backend makes one pass).
 */
export function conv1dCausal(
  out: Float32Array, x: Float32Array, history: Float32Array, w: Float32Array, bias: Float32Array | undefined,
  T: number, C: number, K: number, act?: 'silu', xStride = C,
): void {
  const H = K - 1;
  if (xStride !== C) x = rows(x, T, C, xStride);
  // input row r of the extended sequence [history; x]
  const at = (r: number, c: number) => (r < H ? history[r * C + c] : x[(r - H) * C + c]);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      let acc = bias ? bias[c] : 0;
      for (let j = 0; j < K; j++) acc += w[c * K + j] * at(t + j, c);
      out[t * C + c] = act ? silu(acc) : acc;
    }
  }
  // new history = last K-1 rows of [history; x]
  if (T >= H) {
    history.set(x.subarray((T - H) * C, T * C));
  } else if (H > 0) {
    history.copyWithin(0, T * C, H * C);
    history.set(x.subarray(0, T * C), (H - T) * C);
  }
}

/** (T, C) ← the first C values of each of T rows `stride` apart. */
function rows(x: Float32Array, T: number, C: number, stride: number): Float32Array {
  const out = new Float32Array(T * C);
  for (let t = 0; t < T; t++) out.set(x.subarray(t * stride, t * stride + C), t * C);
  return out;
}
