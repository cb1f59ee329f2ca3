// config.json of the hybrid families beyond the bundled four, typed and validated like config.ts's:
// missing keys take the transformers config class's defaults, sizes are checked before anything is
// allocated. Reference: transformers/models/<family>/configuration_<family>.py (v5.17).
import { CheckpointError } from '../errors';
import type { ConfigReader, RopeConfig } from './config';
import { divides, parseRope, refuseAbsurd, stepLimit } from './config';

/** A Mamba-2 mixer's shape as these families configure it (mamba_* keys). */
export interface Mamba2Shape {
  heads: number; headDim: number; groups: number; state: number; conv: number; chunk: number;
  /** d_inner = heads · headDim */
  inner: number;
  convBias: boolean; projBias: boolean;
  timeStepLimit: [number, number];
}

/** granitemoehybrid (Granite-4.0-H) and bamba: decoder layers of a Mamba-2 or attention mixer, each
 *  followed by an MLP — dense SwiGLU, or routed experts plus a shared MLP (granitemoehybrid). */
export interface GraniteConfig {
  model_type: 'granitemoehybrid' | 'bamba';
  vocab_size: number; hidden_size: number; tie_word_embeddings: boolean;
  /** 'M' (Mamba-2) or '*' (attention) per decoder layer. */
  mixers: string;
  num_attention_heads: number; num_key_value_heads: number; head_dim: number; attention_bias: boolean;
  /** Softmax scale: attention_multiplier (granitemoehybrid) or head_dim^-½ (bamba). */
  attention_scaling: number;
  /** RoPE, when the family uses it, over the first `rotary_dim` channels of each head. */
  rope: RopeConfig | null; rotary_dim: number;
  /** Expert width (granitemoehybrid) or the dense MLP's (bamba). */
  intermediate_size: number; mlp_bias: boolean;
  /** granitemoehybrid: shared_mlp width; experts 0 = a dense layer (shared_mlp alone). */
  shared_intermediate_size: number; num_local_experts: number; num_experts_per_tok: number;
  mamba: Mamba2Shape;
  rms_norm_eps: number;
  embedding_multiplier: number; logits_scaling: number; residual_multiplier: number;
}

/** falcon_h1: every decoder layer is a parallel attention + Mamba-2 mixer, then a SwiGLU MLP, with μP multipliers. */
export interface FalconH1Config {
  model_type: 'falcon_h1';
  vocab_size: number; hidden_size: number; tie_word_embeddings: boolean; num_hidden_layers: number;
  num_attention_heads: number; num_key_value_heads: number; head_dim: number; attention_bias: boolean;
  rope: RopeConfig;
  intermediate_size: number; mlp_bias: boolean;
  mamba: Mamba2Shape;
  /** mamba_rms_norm: a grouped gated norm (n_groups groups) before out_proj; mamba_norm_before_gate: norm(y) ⊙ silu(z). */
  mamba_rms_norm: boolean; mamba_norm_before_gate: boolean;
  rms_norm_eps: number;
  embedding_multiplier: number; lm_head_multiplier: number; key_multiplier: number;
  attention_in_multiplier: number; attention_out_multiplier: number;
  ssm_in_multiplier: number; ssm_out_multiplier: number;
  /** z, x, B, C, dt multipliers of in_proj's output. */
  ssm_multipliers: number[];
  /** gate (inside silu) and down multipliers of the MLP. */
  mlp_multipliers: number[];
}

/** zamba2: Mamba-2 layers and hybrid layers, each hybrid one running one of num_mem_blocks shared
 *  transformer blocks (round robin over the hybrid layers) before its own Mamba-2. */
export interface Zamba2Config {
  model_type: 'zamba2';
  vocab_size: number; hidden_size: number; tie_word_embeddings: boolean;
  /** 'M' (Mamba-2 layer) or 'S' (hybrid layer) per decoder layer. */
  layers: string;
  num_attention_heads: number; num_key_value_heads: number;
  /** 2 · hidden_size / num_attention_heads: the attention reads [x, x0], twice the width. */
  attention_head_dim: number;
  rope: RopeConfig | null;
  intermediate_size: number; hidden_act: 'gelu' | 'silu'; add_bias_linear: boolean;
  num_mem_blocks: number; use_shared_attention_adapter: boolean; adapter_rank: number;
  mamba: Mamba2Shape;
  time_step_min: number; rms_norm_eps: number;
}

/** jamba: Mamba-1 or attention layers (attention every attn_layer_period, at attn_layer_offset), each
 *  followed by a dense SwiGLU MLP or (every expert_layer_period, at expert_layer_offset) experts. */
export interface JambaConfig {
  model_type: 'jamba';
  vocab_size: number; hidden_size: number; tie_word_embeddings: boolean;
  /** 'm' or '*' per decoder layer, and 'E' or '-' for its MLP. */
  mixers: string; mlps: string;
  num_attention_heads: number; num_key_value_heads: number; head_dim: number;
  intermediate_size: number; num_experts: number; num_experts_per_tok: number;
  mamba_d_state: number; mamba_d_conv: number; mamba_inner: number; mamba_dt_rank: number;
  rms_norm_eps: number;
}

export type HybridConfig = GraniteConfig | FalconH1Config | Zamba2Config | JambaConfig;

export function parseJamba(r: ConfigReader): JambaConfig {
  const D = r.int('hidden_size', 4096);
  const L = layerCount(r, 32);
  const H = r.int('num_attention_heads', 32);
  r.act('hidden_act', 'silu', ['silu', 'swish']);
  const period = (key: string, def: number) => r.int(key, def);
  const [ap, ao, ep, eo] = [period('attn_layer_period', 8), r.int('attn_layer_offset', 4, 0), period('expert_layer_period', 2), r.int('expert_layer_offset', 1, 0)];
  if (ao >= ap) r.fail('attn_layer_offset', `below attn_layer_period (${ap})`);
  if (eo >= ep) r.fail('expert_layer_offset', `below expert_layer_period (${ep})`);
  const E = r.int('num_experts', r.int('num_local_experts', 16));
  const rank = r.json.mamba_dt_rank;
  const c: JambaConfig = {
    model_type: 'jamba',
    vocab_size: r.int('vocab_size', 65536), hidden_size: D, tie_word_embeddings: r.bool('tie_word_embeddings', false),
    mixers: Array.from({ length: L }, (_, i) => (i % ap === ao ? '*' : 'm')).join(''),
    mlps: Array.from({ length: L }, (_, i) => (E > 1 && i % ep === eo ? 'E' : '-')).join(''),
    num_attention_heads: H, num_key_value_heads: r.int('num_key_value_heads', 8), head_dim: r.int('head_dim', Math.floor(D / H)),
    intermediate_size: r.int('intermediate_size', 14336), num_experts: E, num_experts_per_tok: r.int('num_experts_per_tok', 2),
    mamba_d_state: r.int('mamba_d_state', 16), mamba_d_conv: r.int('mamba_d_conv', 4),
    mamba_inner: Math.floor(r.positive('mamba_expand', 2) * D),
    mamba_dt_rank: rank === undefined || rank === 'auto' ? Math.ceil(D / 16) : r.int('mamba_dt_rank'),
    rms_norm_eps: r.positive('rms_norm_eps', 1e-6),
  };
  divides(r, 'num_key_value_heads', c.num_key_value_heads, 'num_attention_heads', H);
  if (c.mlps.includes('E') && c.num_experts_per_tok > E) {
    throw new CheckpointError(r.file, `num_experts_per_tok (${c.num_experts_per_tok}) exceeds num_experts (${E})`);
  }
  const I = c.mamba_inner, N = c.mamba_d_state, R = c.mamba_dt_rank, F = c.intermediate_size;
  const perKind: Record<string, number> = {
    m: 2 * D * I + I * (R + 2 * N) + R * I + I * N + I * D, '*': D * c.head_dim * (2 * H + 2 * c.num_key_value_heads),
    E: 3 * D * F * E + E * D, '-': 3 * D * F,
  };
  let total = 2 * c.vocab_size * D;
  for (let i = 0; i < L; i++) total += perKind[c.mixers[i]] + perKind[c.mlps[i]];
  refuseAbsurd(r.file, total);
  return c;
}

export function parseZamba2(r: ConfigReader): Zamba2Config {
  const D = r.int('hidden_size', 2560);
  const L = layerCount(r, 54);
  const H = r.int('num_attention_heads', 32);
  const act = r.act('hidden_act', 'gelu', ['gelu', 'silu', 'swish']);
  const heads = r.int('n_mamba_heads', 8);
  const I = Math.floor(r.positive('mamba_expand', 2) * D);
  if (I % heads !== 0) throw new CheckpointError(r.file, `n_mamba_heads (${heads}) must divide mamba_expand × hidden_size (${I})`);
  const c: Zamba2Config = {
    model_type: 'zamba2',
    vocab_size: r.int('vocab_size', 32000), hidden_size: D, tie_word_embeddings: r.bool('tie_word_embeddings', true),
    layers: zamba2Layers(r, L),
    num_attention_heads: H, num_key_value_heads: r.int('num_key_value_heads', H), attention_head_dim: Math.floor((2 * D) / H),
    rope: r.bool('use_mem_rope', false) ? parseRope(r) : null,
    intermediate_size: r.int('intermediate_size', 4 * D), hidden_act: act === 'gelu' ? 'gelu' : 'silu',
    add_bias_linear: r.bool('add_bias_linear', false),
    num_mem_blocks: r.int('num_mem_blocks', 1), use_shared_attention_adapter: r.bool('use_shared_attention_adapter', false),
    adapter_rank: r.int('adapter_rank', 128),
    mamba: {
      heads, headDim: I / heads, groups: r.int('mamba_ngroups', 1), state: r.int('mamba_d_state', 64), conv: r.int('mamba_d_conv', 4),
      chunk: r.int('chunk_size', 256), inner: I, convBias: r.bool('use_conv_bias', true), projBias: r.bool('add_bias_linear', false),
      timeStepLimit: [r.num('time_step_min', 0.001), Infinity],
    },
    time_step_min: r.num('time_step_min', 0.001), rms_norm_eps: r.positive('rms_norm_eps', 1e-5),
  };
  if ((2 * D) % H !== 0) throw new CheckpointError(r.file, `num_attention_heads (${H}) must divide 2 × hidden_size (${2 * D})`);
  divides(r, 'num_key_value_heads', c.num_key_value_heads, 'num_attention_heads', H);
  if (c.use_shared_attention_adapter && c.num_key_value_heads !== H) {
    throw new CheckpointError(r.file, `shared attention adapters need num_key_value_heads = num_attention_heads (${c.num_key_value_heads} ≠ ${H}), as transformers' Zamba2Attention does`);
  }
  divides(r, 'mamba_ngroups', c.mamba.groups, 'n_mamba_heads', heads);
  const m = c.mamba, hd = c.attention_head_dim, F = c.intermediate_size;
  const mambaLayer = D * (2 * I + 2 * m.groups * m.state + heads) + I * D;
  const hybrids = [...c.layers].filter((k) => k === 'S').length;
  const shared = 2 * D * hd * (H + c.num_key_value_heads) + hd * H * D + 3 * D * F;
  refuseAbsurd(r.file, 2 * c.vocab_size * D + L * mambaLayer + Math.min(hybrids, c.num_mem_blocks) * shared + hybrids * (D * D + 2 * c.adapter_rank * 6 * D));
  return c;
}

/** layers_block_type (or layer_types): mamba / linear_attention → M, hybrid → S. Absent, transformers'
 *  default pattern, which is written for its default 54 layers. */
function zamba2Layers(r: ConfigReader, L: number): string {
  const key = ['layers_block_type', 'layer_types'].find((k) => r.has(k));
  if (!key) {
    if (L !== 54) throw new CheckpointError(r.file, 'has no layers_block_type (the default pattern is for 54 layers)');
    return 'M' + ('MMMMMS'.repeat(7)) + 'MMMMS' + 'MMMS' + 'MM';
  }
  const list = r.json[key];
  const of: Record<string, string> = { mamba: 'M', linear_attention: 'M', hybrid: 'S' };
  if (!Array.isArray(list) || list.length !== L) r.fail(key, `a list of ${L} layer types (num_hidden_layers)`);
  return (list as unknown[]).map((t) => {
    if (typeof t !== 'string' || !of[t]) throw new CheckpointError(r.file, `${key} contains ${JSON.stringify(t)}; zamba2 layers are mamba or hybrid`);
    return of[t];
  }).join('');
}

export function parseFalconH1(r: ConfigReader): FalconH1Config {
  const D = r.int('hidden_size', 4096);
  const H = r.int('num_attention_heads', 32);
  r.act('hidden_act', 'silu', ['silu', 'swish']);
  // mamba_d_ssm: the Mamba width (default 1024); written as null, it is mamba_expand · hidden_size
  const inner = r.json.mamba_d_ssm === null ? undefined : r.int('mamba_d_ssm', 1024);
  const c: FalconH1Config = {
    model_type: 'falcon_h1',
    vocab_size: r.int('vocab_size', 128000), hidden_size: D, tie_word_embeddings: r.bool('tie_word_embeddings', false),
    num_hidden_layers: layerCount(r, 32),
    num_attention_heads: H, num_key_value_heads: r.int('num_key_value_heads', 8), head_dim: r.int('head_dim', Math.floor(D / H)),
    attention_bias: r.bool('attention_bias', false), rope: parseRope(r),
    intermediate_size: r.int('intermediate_size', 14336), mlp_bias: r.bool('mlp_bias', false),
    mamba: mamba2Shape(r, D, { heads: 128, groups: 1, state: 256, chunk: 256 }, inner),
    mamba_rms_norm: r.bool('mamba_rms_norm', false), mamba_norm_before_gate: r.bool('mamba_norm_before_gate', true),
    rms_norm_eps: r.positive('rms_norm_eps', 1e-5),
    embedding_multiplier: r.num('embedding_multiplier', 1), lm_head_multiplier: r.num('lm_head_multiplier', 1),
    key_multiplier: r.num('key_multiplier', 1),
    attention_in_multiplier: r.num('attention_in_multiplier', 1), attention_out_multiplier: r.num('attention_out_multiplier', 1),
    ssm_in_multiplier: r.num('ssm_in_multiplier', 1), ssm_out_multiplier: r.num('ssm_out_multiplier', 1),
    ssm_multipliers: numbers(r, 'ssm_multipliers', 5), mlp_multipliers: numbers(r, 'mlp_multipliers', 2),
  };
  divides(r, 'num_key_value_heads', c.num_key_value_heads, 'num_attention_heads', H);
  if (c.rope && c.head_dim % 2 !== 0) r.fail('head_dim', 'even (RoPE turns pairs)');
  const m = c.mamba;
  const perLayer = D * (2 * m.inner + 2 * m.groups * m.state + m.heads) + m.inner * D
    + D * c.head_dim * (2 * H + 2 * c.num_key_value_heads) + 3 * D * c.intermediate_size;
  refuseAbsurd(r.file, 2 * c.vocab_size * D + c.num_hidden_layers * perLayer);
  return c;
}

/** A list of n numbers (default all 1). */
function numbers(r: ConfigReader, key: string, n: number): number[] {
  if (!r.has(key)) return Array.from({ length: n }, () => 1);
  const v = r.json[key];
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) r.fail(key, `a list of ${n} numbers`);
  return v as number[];
}

/** More decoder layers than any model has: refused before a per-layer list is built. */
const MAX_LAYERS = 100_000;

function layerCount(r: ConfigReader, def: number): number {
  const L = r.int('num_hidden_layers', def);
  if (L > MAX_LAYERS) r.fail('num_hidden_layers', `at most ${MAX_LAYERS}`);
  return L;
}

const MIXER_OF: Record<string, string> = { mamba: 'M', linear_attention: 'M', attention: '*', full_attention: '*' };

export function parseGranite(r: ConfigReader): GraniteConfig {
  const bamba = r.json.model_type === 'bamba';
  const D = r.int('hidden_size', 4096);
  const L = layerCount(r, 32);
  const H = r.int('num_attention_heads', 32);
  r.act('hidden_act', 'silu', ['silu', 'swish']);
  const head_dim = r.int('head_dim', Math.floor(D / H));
  const rope = bamba || r.str('position_embedding_type', '') === 'rope' ? parseRope(r) : null;
  const params = (r.json.rope_parameters ?? {}) as Record<string, unknown>;
  const partial = typeof params.partial_rotary_factor === 'number' ? params.partial_rotary_factor
    : r.num('partial_rotary_factor', bamba ? 0.5 : 1);
  const c: GraniteConfig = {
    model_type: bamba ? 'bamba' : 'granitemoehybrid',
    vocab_size: r.int('vocab_size', bamba ? 128000 : 32000), hidden_size: D,
    tie_word_embeddings: r.bool('tie_word_embeddings', false),
    mixers: bamba ? bambaMixers(r, L) : graniteMixers(r, L),
    num_attention_heads: H, num_key_value_heads: r.int('num_key_value_heads', bamba ? 8 : H), head_dim,
    attention_bias: r.bool('attention_bias', false),
    attention_scaling: bamba ? head_dim ** -0.5 : r.num('attention_multiplier', 1),
    rope, rotary_dim: Math.floor(head_dim * partial),
    intermediate_size: r.int('intermediate_size', bamba ? 14336 : 11008), mlp_bias: bamba && r.bool('mlp_bias', false),
    shared_intermediate_size: bamba ? 0 : r.int('shared_intermediate_size', 1024),
    num_local_experts: bamba ? 0 : r.int('num_local_experts', 8, 0),
    num_experts_per_tok: bamba ? 0 : r.int('num_experts_per_tok', 2),
    mamba: mamba2Shape(r, D, { heads: 128, groups: 1, state: 256, chunk: 256 }),
    rms_norm_eps: r.positive('rms_norm_eps', bamba ? 1e-5 : 1e-6),
    embedding_multiplier: bamba ? 1 : r.num('embedding_multiplier', 1),
    logits_scaling: bamba ? 1 : r.positive('logits_scaling', 1),
    residual_multiplier: bamba ? 1 : r.num('residual_multiplier', 1),
  };
  divides(r, 'num_key_value_heads', c.num_key_value_heads, 'num_attention_heads', H);
  if (!(partial > 0 && partial <= 1) || (c.rope && c.rotary_dim < 1)) {
    throw new CheckpointError(r.file, `partial_rotary_factor must be in (0, 1] and turn at least one channel of head_dim ${head_dim}, got ${JSON.stringify(partial)}`);
  }
  if (c.num_local_experts > 0 && c.num_experts_per_tok > c.num_local_experts) {
    throw new CheckpointError(r.file, `num_experts_per_tok (${c.num_experts_per_tok}) exceeds num_local_experts (${c.num_local_experts})`);
  }
  const m = c.mamba;
  const perKind: Record<string, number> = {
    M: D * (2 * m.inner + 2 * m.groups * m.state + m.heads) + m.inner * D,
    '*': D * head_dim * (2 * H + 2 * c.num_key_value_heads),
  };
  const mlp = 3 * D * (c.num_local_experts * c.intermediate_size + c.shared_intermediate_size + (bamba ? c.intermediate_size : 0));
  let total = 2 * c.vocab_size * D;
  for (const ch of c.mixers) total += perKind[ch] + mlp;
  refuseAbsurd(r.file, total);
  return c;
}

/** granitemoehybrid: `layer_types` (or `layers_block_type`), mamba/linear_attention or attention/full_attention; all Mamba-2 by default. */
function graniteMixers(r: ConfigReader, L: number): string {
  const key = ['layer_types', 'layers_block_type'].find((k) => r.has(k));
  if (!key) return 'M'.repeat(L);
  const list = r.json[key];
  if (!Array.isArray(list) || list.length !== L) r.fail(key, `a list of ${L} layer types (num_hidden_layers)`);
  return (list as unknown[]).map((t) => {
    if (typeof t !== 'string' || !MIXER_OF[t]) throw new CheckpointError(r.file, `${key} contains ${JSON.stringify(t)}; the engine runs mamba and attention layers`);
    return MIXER_OF[t];
  }).join('');
}

/** bamba: attention at `attn_layer_indices`, Mamba-2 elsewhere. */
function bambaMixers(r: ConfigReader, L: number): string {
  const list = r.has('attn_layer_indices') ? r.json.attn_layer_indices : [];
  if (!Array.isArray(list) || !list.every((i) => Number.isInteger(i) && i >= 0 && i < L)) r.fail('attn_layer_indices', `a list of layer indices below ${L}`);
  return Array.from({ length: L }, (_, i) => ((list as number[]).includes(i) ? '*' : 'M')).join('');
}

/** The mamba_* keys; mamba_d_head "auto" = mamba_expand · hidden_size / mamba_n_heads. */
export function mamba2Shape(r: ConfigReader, D: number, def: { heads: number; groups: number; state: number; chunk: number }, inner?: number): Mamba2Shape {
  const heads = r.int('mamba_n_heads', def.heads);
  const I = inner ?? Math.floor(r.positive('mamba_expand', 2) * D);
  const headDim = r.json.mamba_d_head === undefined || r.json.mamba_d_head === 'auto' ? Math.floor(I / heads) : r.int('mamba_d_head');
  if (headDim * heads !== I) throw new CheckpointError(r.file, `mamba_n_heads × mamba_d_head = ${heads * headDim} must equal the Mamba width ${I}`);
  const s: Mamba2Shape = {
    heads, headDim, groups: r.int('mamba_n_groups', def.groups), state: r.int('mamba_d_state', def.state),
    conv: r.int('mamba_d_conv', 4), chunk: r.int('mamba_chunk_size', def.chunk), inner: I,
    convBias: r.bool('mamba_conv_bias', true), projBias: r.bool('mamba_proj_bias', false), timeStepLimit: stepLimit(r),
  };
  divides(r, 'mamba_n_groups', s.groups, 'mamba_n_heads', heads);
  return s;
}
