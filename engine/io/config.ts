// config.json, typed and validated per model_type. Missing keys take the defaults of the
// transformers config class, because save_pretrained writes only the values that differ from them.
// Sizes are checked before anything is allocated: an absurd config is refused with the bytes it
// would need.
import { CheckpointError } from '../errors';
import type { HybridConfig } from './config-hybrids';

/** Weights larger than this (as float32) are refused before allocation. */
export const MAX_WEIGHT_BYTES = 8 * 2 ** 30;

export interface RopeConfig {
  type: 'default' | 'linear' | 'llama3';
  theta: number;
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

export interface NemotronHConfig {
  model_type: 'nemotron_h';
  vocab_size: number; hidden_size: number; pattern: string; tie_word_embeddings: boolean;
  num_attention_heads: number; num_key_value_heads: number; head_dim: number;
  intermediate_size: number; mlp_hidden_act: string;
  ssm_state_size: number; mamba_num_heads: number; mamba_head_dim: number; n_groups: number;
  conv_kernel: number; chunk_size: number; mamba_hidden_act: string;
  time_step_min: number; layer_norm_epsilon: number;
}
export interface Mamba2Config {
  model_type: 'mamba2';
  vocab_size: number; hidden_size: number; num_hidden_layers: number; tie_word_embeddings: boolean;
  num_heads: number; head_dim: number; expand: number; state_size: number; n_groups: number;
  conv_kernel: number; chunk_size: number; hidden_act: string;
  time_step_limit: [number, number]; layer_norm_epsilon: number;
}
export interface MambaConfig {
  model_type: 'mamba' | 'falcon_mamba';
  vocab_size: number; hidden_size: number; num_hidden_layers: number; tie_word_embeddings: boolean;
  intermediate_size: number; state_size: number; conv_kernel: number; time_step_rank: number;
  hidden_act: string; layer_norm_epsilon: number;
  /** falcon_mamba: dt, B and C are RMS-normalised (no weight) with this epsilon before the scan. */
  mixer_rms_eps?: number;
}
export interface LlamaConfig {
  model_type: 'llama';
  vocab_size: number; hidden_size: number; num_hidden_layers: number; tie_word_embeddings: boolean;
  num_attention_heads: number; num_key_value_heads: number; head_dim: number;
  intermediate_size: number; hidden_act: string; rms_norm_eps: number; rope: RopeConfig;
}
export type ModelConfig = NemotronHConfig | Mamba2Config | MambaConfig | LlamaConfig | HybridConfig;

/** Typed access to config.json with one-line errors that name the key. */
export class ConfigReader {
  constructor(readonly file: string, readonly json: Record<string, unknown>) {}
  has(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }
  fail(key: string, want: string): never {
    throw new CheckpointError(this.file, `${key} must be ${want}, got ${JSON.stringify(this.json[key])}`);
  }
  int(key: string, def?: number, min = 1): number {
    if (!this.has(key)) return def ?? this.fail(key, 'given');
    const v = this.json[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(key, `an integer >= ${min}`);
    return v as number;
  }
  num(key: string, def?: number): number {
    if (!this.has(key)) return def ?? this.fail(key, 'given');
    const v = this.json[key];
    if (typeof v !== 'number' || Number.isNaN(v)) this.fail(key, 'a number');
    return v as number;
  }
  positive(key: string, def?: number): number {
    const v = this.num(key, def);
    if (!(v > 0) || !Number.isFinite(v)) this.fail(key, 'a finite number > 0');
    return v;
  }
  bool(key: string, def: boolean): boolean {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v as boolean;
  }
  str(key: string, def: string): string {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v as string;
  }
  /** Activation names the engine implements; anything else is refused here, not mid-forward. */
  act(key: string, def: string, allowed: string[]): string {
    const v = this.str(key, def);
    if (!allowed.includes(v)) this.fail(key, `one of ${allowed.join(', ')}`);
    return v;
  }
}

export function parseNemotronH(r: ConfigReader): NemotronHConfig {
  const c: NemotronHConfig = {
    model_type: 'nemotron_h',
    vocab_size: r.int('vocab_size', 131072), hidden_size: r.int('hidden_size', 4096),
    pattern: nemotronPattern(r), tie_word_embeddings: r.bool('tie_word_embeddings', false),
    num_attention_heads: r.int('num_attention_heads', 32), num_key_value_heads: 0,
    head_dim: r.int('head_dim', 128), intermediate_size: r.int('intermediate_size', 21504),
    mlp_hidden_act: r.act('mlp_hidden_act', 'relu2', ['relu2']),
    ssm_state_size: r.int('ssm_state_size', 128), mamba_num_heads: r.int('mamba_num_heads', 128),
    mamba_head_dim: r.int('mamba_head_dim', 64),
    n_groups: r.int('n_groups', r.int('mamba_n_groups', 8)), conv_kernel: r.int('conv_kernel', r.int('mamba_d_conv', 4)),
    chunk_size: r.int('chunk_size', r.int('mamba_chunk_size', 128)),
    mamba_hidden_act: r.act('mamba_hidden_act', 'silu', ['silu', 'swish']),
    time_step_min: r.num('time_step_min', r.num('mamba_dt_min', 0.001)),
    layer_norm_epsilon: r.positive('layer_norm_epsilon', 1e-5),
  };
  c.num_key_value_heads = r.int('num_key_value_heads', c.num_attention_heads);
  divides(r, 'num_key_value_heads', c.num_key_value_heads, 'num_attention_heads', c.num_attention_heads);
  divides(r, 'n_groups', c.n_groups, 'mamba_num_heads', c.mamba_num_heads);
  const I = c.mamba_num_heads * c.mamba_head_dim;
  const D = c.hidden_size;
  const perKind = {
    M: D * (2 * I + 2 * c.n_groups * c.ssm_state_size + c.mamba_num_heads) + I * D + I * c.conv_kernel,
    '*': D * c.head_dim * (2 * c.num_attention_heads + 2 * c.num_key_value_heads),
    '-': 2 * D * c.intermediate_size,
  } as Record<string, number>;
  let params = 2 * c.vocab_size * D;
  for (const ch of c.pattern) params += perKind[ch] ?? 0;
  refuseAbsurd(r.file, params);
  return c;
}

function nemotronPattern(r: ConfigReader): string {
  const names: Record<string, string> = { mamba: 'M', linear_attention: 'M', M: 'M', attention: '*', full_attention: '*',
    '*': '*', mlp: '-', '-': '-' };
  for (const key of ['layers_block_type', 'layer_types']) {
    if (!r.has(key)) continue;
    const list = r.json[key];
    if (!Array.isArray(list) || list.length === 0) r.fail(key, 'a non-empty list of block types');
    return (list as unknown[]).map((t) => {
      if (typeof t !== 'string' || !names[t]) {
        throw new CheckpointError(r.file, `${key} contains ${JSON.stringify(t)}; the engine runs mamba, attention and mlp blocks`);
      }
      return names[t];
    }).join('');
  }
  const p = r.str('hybrid_override_pattern', '');
  if (!p) throw new CheckpointError(r.file, 'nemotron_h config has neither hybrid_override_pattern nor layers_block_type');
  const bad = [...p].find((ch) => !'M*-'.includes(ch));
  if (bad) throw new CheckpointError(r.file, `hybrid_override_pattern "${p}" has block type "${bad}"; the engine runs M, * and -`);
  return p;
}

/** `time_step_limit` [min, max] (default [0, ∞)): where Mamba-2 mixers clamp dt. */
export function stepLimit(r: ConfigReader): [number, number] {
  const limit = r.has('time_step_limit') ? r.json.time_step_limit : [0, Infinity];
  if (!Array.isArray(limit) || limit.length !== 2 || !limit.every((v) => typeof v === 'number') || limit[0] > limit[1]) {
    r.fail('time_step_limit', '[min, max]');
  }
  return [limit[0], limit[1]];
}

export function parseMamba2(r: ConfigReader): Mamba2Config {
  const limit = stepLimit(r);
  const c: Mamba2Config = {
    model_type: 'mamba2',
    vocab_size: r.int('vocab_size', 32768), hidden_size: r.int('hidden_size', 4096),
    num_hidden_layers: r.int('num_hidden_layers', 64), tie_word_embeddings: r.bool('tie_word_embeddings', false),
    num_heads: r.int('num_heads', 128), head_dim: r.int('head_dim', 64), expand: r.positive('expand', 2),
    state_size: r.int('state_size', 128), n_groups: r.int('n_groups', 8), conv_kernel: r.int('conv_kernel', 4),
    chunk_size: r.int('chunk_size', 256), hidden_act: r.act('hidden_act', 'silu', ['silu', 'swish']),
    time_step_limit: limit, layer_norm_epsilon: r.positive('layer_norm_epsilon', 1e-5),
  };
  const I = Math.floor(c.expand * c.hidden_size);
  if (c.num_heads * c.head_dim !== I) {
    throw new CheckpointError(r.file, `num_heads × head_dim = ${c.num_heads * c.head_dim} must equal expand × hidden_size = ${I}`);
  }
  divides(r, 'n_groups', c.n_groups, 'num_heads', c.num_heads);
  const D = c.hidden_size;
  const perLayer = D * (2 * I + 2 * c.n_groups * c.state_size + c.num_heads) + I * D;
  refuseAbsurd(r.file, 2 * c.vocab_size * D + c.num_hidden_layers * perLayer);
  return c;
}

export function parseMamba(r: ConfigReader): MambaConfig {
  const D = r.int('hidden_size', 768);
  const rank = r.json.time_step_rank;
  const c: MambaConfig = {
    model_type: r.json.model_type === 'falcon_mamba' ? 'falcon_mamba' : 'mamba',
    vocab_size: r.int('vocab_size', 50280), hidden_size: D, num_hidden_layers: r.int('num_hidden_layers', 32),
    tie_word_embeddings: r.bool('tie_word_embeddings', true),
    intermediate_size: r.int('intermediate_size', Math.floor(r.positive('expand', 2) * D)),
    state_size: r.int('state_size', 16), conv_kernel: r.int('conv_kernel', 4),
    time_step_rank: rank === undefined || rank === 'auto' ? Math.ceil(D / 16) : r.int('time_step_rank'),
    hidden_act: r.act('hidden_act', 'silu', ['silu', 'swish']), layer_norm_epsilon: r.positive('layer_norm_epsilon', 1e-5),
  };
  if (c.model_type === 'falcon_mamba') c.mixer_rms_eps = r.positive('mixer_rms_eps', 1e-6);
  const I = c.intermediate_size;
  const perLayer = D * 2 * I + I * (c.time_step_rank + 2 * c.state_size) + c.time_step_rank * I + I * c.state_size + I * D;
  refuseAbsurd(r.file, 2 * c.vocab_size * D + c.num_hidden_layers * perLayer);
  return c;
}

export function parseLlama(r: ConfigReader): LlamaConfig {
  const H = r.int('num_attention_heads', 32);
  const D = r.int('hidden_size', 4096);
  const c: LlamaConfig = {
    model_type: 'llama',
    vocab_size: r.int('vocab_size', 32000), hidden_size: D, num_hidden_layers: r.int('num_hidden_layers', 32),
    tie_word_embeddings: r.bool('tie_word_embeddings', false),
    num_attention_heads: H, num_key_value_heads: r.int('num_key_value_heads', H),
    head_dim: r.int('head_dim', Math.floor(D / H)), intermediate_size: r.int('intermediate_size', 11008),
    hidden_act: r.act('hidden_act', 'silu', ['silu', 'swish']), rms_norm_eps: r.positive('rms_norm_eps', 1e-6),
    rope: parseRope(r),
  };
  divides(r, 'num_key_value_heads', c.num_key_value_heads, 'num_attention_heads', H);
  if (c.head_dim % 2 !== 0) r.fail('head_dim', 'even (RoPE rotates pairs)');
  const perLayer = D * c.head_dim * (2 * H + 2 * c.num_key_value_heads) + 3 * D * c.intermediate_size;
  refuseAbsurd(r.file, 2 * c.vocab_size * D + c.num_hidden_layers * perLayer);
  return c;
}

/** transformers 5 writes `rope_parameters`; 4.x wrote `rope_theta` and `rope_scaling`. */
export function parseRope(r: ConfigReader): RopeConfig {
  const params = (r.json.rope_parameters ?? r.json.rope_scaling ?? {}) as Record<string, unknown>;
  const sub = new ConfigReader(r.file, { ...params, rope_theta: params.rope_theta ?? r.json.rope_theta });
  const type = sub.str('rope_type', sub.str('type', 'default'));
  if (type !== 'default' && type !== 'linear' && type !== 'llama3') {
    throw new CheckpointError(r.file, `rope type "${type}" is not supported (default, linear, llama3 are)`);
  }
  return {
    type, theta: sub.positive('rope_theta', 10000),
    factor: type === 'default' ? 1 : sub.positive('factor'),
    lowFreqFactor: type === 'llama3' ? sub.positive('low_freq_factor') : 1,
    highFreqFactor: type === 'llama3' ? sub.positive('high_freq_factor') : 1,
    originalMaxPositions: type === 'llama3' ? sub.int('original_max_position_embeddings', r.int('max_position_embeddings', 2048)) : 0,
  };
}

export function divides(r: ConfigReader, a: string, av: number, b: string, bv: number): void {
  if (bv % av !== 0) throw new CheckpointError(r.file, `${a} (${av}) must divide ${b} (${bv})`);
}

export function refuseAbsurd(file: string, params: number): void {
  const bytes = params * 4;
  if (bytes > MAX_WEIGHT_BYTES) {
    throw new CheckpointError(file, `this config needs about ${formatBytes(bytes)} of float32 weights (limit ${formatBytes(MAX_WEIGHT_BYTES)}); refusing to load it`);
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 && u > 0 ? 1 : 0)} ${units[u]}`;
}
