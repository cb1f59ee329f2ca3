// Random-weight checkpoints with real shapes, written in bfloat16 as save_pretrained would (config.json
// + one model.safetensors), for the real-size rows of the bench: no model hub is reachable, and the
// engine's speed and memory depend on the shapes and the dtype, not on the values. The configs are
// transformers 5.17's Mamba2Config / MambaConfig with the published checkpoints' sizes
// (state-spaces/mamba2-1.3b, state-spaces/mamba-130m); the tensor names, shapes and order are those
// of Mamba2ForCausalLM / MambaForCausalLM's state_dict (tied head left out, as save_pretrained does).
// Values: Linear and embedding weights uniform with std 0.02, norms 1, D 1, A_log = log U(1, 16),
// dt_bias = softplus⁻¹ of a log-uniform dt in [0.001, 0.1], conv weights uniform ±0.5.
// The tensors are written one at a time from a 32 MB pool of random bfloat16s (each tensor from its
// own offset), so writing 2.7 GB takes seconds and little memory. Written to `<dir>.partial`, then
// renamed: a folder that exists is complete, and is reused.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type BigKind = 'mamba2-1.3b' | 'mamba-130m';

interface Spec { name: string; shape: number[]; fill: Fill }
type Fill = 'linear' | 'one' | 'conv' | 'zero' | 'A_log' | 'A_log_rows' | 'dt_bias';

const D2 = 2048, L2 = 48, H2 = 64, P2 = 64, N2 = 128, V = 50280;
const D1 = 768, L1 = 24, N1 = 16, R1 = 48;

/** config.json as transformers 5.17 writes it for these sizes. */
export const BIG_CONFIGS: Record<BigKind, Record<string, unknown>> = {
  'mamba2-1.3b': {
    architectures: ['Mamba2ForCausalLM'], model_type: 'mamba2', dtype: 'bfloat16', vocab_size: V, hidden_size: D2,
    num_hidden_layers: L2, num_heads: H2, head_dim: P2, state_size: N2, n_groups: 1, expand: 2, conv_kernel: 4,
    chunk_size: 256, use_bias: false, use_conv_bias: true, hidden_act: 'silu', layer_norm_epsilon: 1e-5,
    residual_in_fp32: true, time_step_rank: 128, time_step_min: 0.001, time_step_max: 0.1, time_step_floor: 0.0001,
    time_step_limit: [0.0, { __float__: 'Infinity' }], rescale_prenorm_residual: false, initializer_range: 0.1,
    tie_word_embeddings: true, pad_token_id: 1, bos_token_id: 0, eos_token_id: 2, use_cache: true, transformers_version: '5.17.0',
  },
  'mamba-130m': {
    architectures: ['MambaForCausalLM'], model_type: 'mamba', dtype: 'bfloat16', vocab_size: V, hidden_size: D1,
    num_hidden_layers: L1, intermediate_size: 2 * D1, state_size: N1, expand: 2, conv_kernel: 4, time_step_rank: R1,
    use_bias: false, use_conv_bias: true, hidden_act: 'silu', layer_norm_epsilon: 1e-5, residual_in_fp32: true,
    time_step_scale: 1.0, time_step_min: 0.001, time_step_max: 0.1, time_step_init_scheme: 'random', time_step_floor: 0.0001,
    rescale_prenorm_residual: false, initializer_range: 0.1, use_mambapy: false, use_associative_scan: true,
    tie_word_embeddings: true, pad_token_id: 0, bos_token_id: 0, eos_token_id: 0, use_cache: true, transformers_version: '5.17.0',
  },
};

/** JSON writes 1.0 as 1, which transformers' strict config fields refuse where a float is due. */
function configText(kind: BigKind): string {
  return JSON.stringify(BIG_CONFIGS[kind], null, 2)
    .replace(/("time_step_limit": \[\s*)0,/, '$10.0,')
    .replace(/("time_step_scale": )1,/, '$11.0,');
}

function specs(kind: BigKind): Spec[] {
  const out: Spec[] = [];
  if (kind === 'mamba2-1.3b') {
    const I = H2 * P2, conv = I + 2 * N2;
    out.push({ name: 'backbone.embeddings.weight', shape: [V, D2], fill: 'linear' });
    for (let i = 0; i < L2; i++) {
      const p = `backbone.layers.${i}`;
      out.push(
        { name: `${p}.norm.weight`, shape: [D2], fill: 'one' },
        { name: `${p}.mixer.dt_bias`, shape: [H2], fill: 'dt_bias' },
        { name: `${p}.mixer.A_log`, shape: [H2], fill: 'A_log' },
        { name: `${p}.mixer.D`, shape: [H2], fill: 'one' },
        { name: `${p}.mixer.conv1d.weight`, shape: [conv, 1, 4], fill: 'conv' },
        { name: `${p}.mixer.conv1d.bias`, shape: [conv], fill: 'zero' },
        { name: `${p}.mixer.in_proj.weight`, shape: [I + conv + H2, D2], fill: 'linear' },
        { name: `${p}.mixer.norm.weight`, shape: [I], fill: 'one' },
        { name: `${p}.mixer.out_proj.weight`, shape: [D2, I], fill: 'linear' },
      );
    }
    out.push({ name: 'backbone.norm_f.weight', shape: [D2], fill: 'one' });
  } else {
    const I = 2 * D1;
    out.push({ name: 'backbone.embeddings.weight', shape: [V, D1], fill: 'linear' });
    for (let i = 0; i < L1; i++) {
      const p = `backbone.layers.${i}`;
      out.push(
        { name: `${p}.norm.weight`, shape: [D1], fill: 'one' },
        { name: `${p}.mixer.A_log`, shape: [I, N1], fill: 'A_log_rows' },
        { name: `${p}.mixer.D`, shape: [I], fill: 'one' },
        { name: `${p}.mixer.conv1d.weight`, shape: [I, 1, 4], fill: 'conv' },
        { name: `${p}.mixer.conv1d.bias`, shape: [I], fill: 'zero' },
        { name: `${p}.mixer.in_proj.weight`, shape: [2 * I, D1], fill: 'linear' },
        { name: `${p}.mixer.x_proj.weight`, shape: [R1 + 2 * N1, I], fill: 'linear' },
        { name: `${p}.mixer.dt_proj.weight`, shape: [I, R1], fill: 'linear' },
        { name: `${p}.mixer.dt_proj.bias`, shape: [I], fill: 'dt_bias' },
        { name: `${p}.mixer.out_proj.weight`, shape: [D1, I], fill: 'linear' },
      );
    }
    out.push({ name: 'backbone.norm_f.weight', shape: [D1], fill: 'one' });
  }
  return out;
}

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The file's size in bytes (what the bench's memory target is computed from). */
export function bigCheckpointBytes(kind: BigKind): number {
  return 8 + header(kind).length + 2 * specs(kind).reduce((n, s) => n + numel(s.shape), 0);
}

/** The safetensors header (its JSON, padded) of the checkpoint `kind`: the tests write it over a
 *  sparse file to read headers and refuse loads at this size without the data. */
export function header(kind: BigKind): Uint8Array {
  const h: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let at = 0;
  for (const s of specs(kind)) {
    const n = 2 * numel(s.shape);
    h[s.name] = { dtype: 'BF16', shape: s.shape, data_offsets: [at, at + n] };
    at += n;
  }
  let json = JSON.stringify(h);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the data section starts 8-aligned, as the reference writer pads
  return new TextEncoder().encode(json);
}

/** xorshift32: deterministic, fast, good enough for weights nobody reads. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

const bf16 = (v: number) => {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0];
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
};

const POOL = 16 * 2 ** 20;

/** Writes `dir` (config.json, model.safetensors, tokenizer.json copied from `tokenizer`) unless it
 *  already exists; returns the checkpoint's bytes. */
export function writeBigCheckpoint(dir: string, kind: BigKind, tokenizer?: Uint8Array): number {
  if (existsSync(join(dir, 'model.safetensors'))) return bigCheckpointBytes(kind);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'config.json'), configText(kind));
  if (tokenizer) writeFileSync(join(partial, 'tokenizer.json'), tokenizer);
  const rand = xorshift(kind.length * 7919);
  const pool = new Uint16Array(POOL);
  const a = 0.02 * Math.sqrt(3); // uniform on [-a, a] has std 0.02
  for (let i = 0; i < POOL; i++) pool[i] = bf16((rand() * 2 - 1) * a);
  const fd = openSync(join(partial, 'model.safetensors'), 'w');
  try {
    const h = header(kind);
    const len = new Uint8Array(8);
    new DataView(len.buffer).setUint32(0, h.length, true);
    writeSync(fd, len);
    writeSync(fd, h);
    for (const s of specs(kind)) {
      const n = numel(s.shape);
      if (s.fill === 'linear') {
        // pieces of the pool from a random offset, wrapping
        let done = 0;
        let from = Math.floor(rand() * POOL);
        while (done < n) {
          const k = Math.min(n - done, POOL - from);
          writeSync(fd, new Uint8Array(pool.buffer, from * 2, k * 2));
          done += k;
          from = 0;
        }
        continue;
      }
      const t = new Uint16Array(n);
      for (let i = 0; i < n; i++) t[i] = bf16(value(s, i, rand));
      writeSync(fd, new Uint8Array(t.buffer));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, dir);
  return bigCheckpointBytes(kind);
}

function value(s: Spec, i: number, rand: () => number): number {
  switch (s.fill) {
    case 'one': return 1;
    case 'zero': return 0;
    case 'conv': return (rand() * 2 - 1) * 0.5;
    case 'A_log': return Math.log(1 + 15 * rand());
    case 'A_log_rows': return Math.log(1 + (i % s.shape[1])); // Mamba-1's init: log(1 … N) per channel
    case 'dt_bias': {
      const dt = Math.exp(Math.log(0.001) + rand() * (Math.log(0.1) - Math.log(0.001)));
      return dt + Math.log(-Math.expm1(-dt)); // softplus⁻¹
    }
    default: return 0;
  }
}
