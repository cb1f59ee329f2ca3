// Falcon-H1's parallel layer: attention and Mamba-2 read the same normed input u side by side, and the
// layer adds both:
//   y = attn_out_multiplier · attention(attention_in_multiplier · u) + ssm_out_multiplier · mamba2(u)
// (mamba2 applies ssm_in_multiplier and the μP vector itself, layers/mamba2.ts). Neither half sees the
// other's output, so the two cannot be run one after the other or moved apart.
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/falcon_h1/modeling_falcon_h1.py (FalconH1DecoderLayer).
import type { ParallelMixer } from '../model';
import type { AttentionCapture } from './attention';
import * as attention from './attention';
import type { Mamba2Capture } from './mamba2';
import * as mamba2 from './mamba2';
import type { CompoundState } from './state';

export interface ParallelCapture {
  attention?: AttentionCapture;
  mamba?: Mamba2Capture;
}

/** out (T, D) for normed u (T, D), continuing from `state` (both caches updated). */
export function forward(m: ParallelMixer, u: Float32Array, T: number, state: CompoundState, capture?: ParallelCapture): Float32Array {
  const ssm = mamba2.forward(m.mamba, u, T, state.mamba, capture?.mamba); // (T, D)
  const ua = new Float32Array(u.length); // (T, D)
  for (let i = 0; i < u.length; i++) ua[i] = u[i] * m.attnIn;
  const att = attention.forward(m.attention, ua, T, state.attention, capture?.attention); // (T, D)
  for (let i = 0; i < ssm.length; i++) ssm[i] = m.ssmOut * ssm[i] + m.attnOut * att[i];
  return ssm;
}
