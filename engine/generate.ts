// Greedy decoding with caches: the prompt is run once (prefill), then each new token is one `step`
// through every block's state (conv + SSM state, KV cache) — the prompt is never recomputed.
// Per-token log-probabilities and the top-k alternatives come with every generated token.
import { InputError } from './errors';
import type { ModelState } from './forward';
import { forward } from './forward';
import { kernels } from './kernels/backend';
import { widen } from './kernels/widen';
import * as attention from './layers/attention';
import * as mamba1 from './layers/mamba1';
import * as mamba2 from './layers/mamba2';
import * as mlp from './layers/mlp';
import { applyNorm } from './layers/norm';
import type { LayerState } from './layers/state';
import type { Block, Model } from './model';
import type { GreedyDecode } from './phonebook/score';

export interface TokenChoice { id: number; logprob: number }
export interface GeneratedToken extends TokenChoice { top: TokenChoice[] }

export interface GenerateResult {
  /** Prompt followed by the generated tokens. */
  ids: number[];
  tokens: GeneratedToken[];
  state: ModelState;
  prefillMs: number;
  /** Mean milliseconds per generated token after the first. */
  msPerToken: number;
}

export interface GenerateOptions {
  /** Stop after emitting a token for which this returns true (the token is kept). */
  stopAt?: (id: number) => boolean;
  /** Alternatives reported per token (default 5). */
  topK?: number;
}

/**
 * Feed one token through every block's state; returns the next-token logits (V). The same
 * arithmetic as `forward(model, [id], undefined, { state, lastLogitsOnly: true })`, without what a
 * decoding step never uses (capture plan, budget, per-layer records and norms): at a few hundred
 * tokens a second that bookkeeping was ~10 % of a step.
 */
export function step(model: Model, state: ModelState, id: number): Float32Array {
  const { V, D } = model.embeddings;
  if (!Number.isInteger(id) || id < 0 || id >= V) throw new InputError(`token id ${id} is outside the vocabulary 0..${V - 1}`);
  if (state.layers.length !== model.blocks.length) throw new InputError('state does not match the model layout');
  const x = new Float32Array(D); // (1, D)
  widen(x, 0, model.embeddings.weight, id * D, D);
  const normed = new Float32Array(D);
  for (let i = 0; i < model.blocks.length; i++) {
    const block = model.blocks[i];
    applyNorm(normed, x, block.norm, 1);
    const y = stepBlock(block, normed, state.layers[i]);
    for (let j = 0; j < D; j++) x[j] += y[j];
  }
  state.position += 1;
  applyNorm(normed, x, model.normF, 1);
  const logits = new Float32Array(V);
  kernels().matmul(logits, normed, model.lmHead.weight, 1, D, V, model.lmHead.bias);
  return logits;
}

function stepBlock(block: Block, x: Float32Array, s: LayerState): Float32Array {
  switch (block.kind) {
    case 'mlp':
      return mlp.step(block.mixer, x);
    case 'attention':
      return attention.step(block.mixer, x, s as Extract<LayerState, { kind: 'attention' }>);
    case 'mamba2':
      return mamba2.step(block.mixer, x, s as Extract<LayerState, { kind: 'mamba2' }>);
    case 'mamba1':
      return mamba1.step(block.mixer, x, s as Extract<LayerState, { kind: 'mamba1' }>);
  }
}

/**
 * The greedy loop, the only one: choose the argmax of `logits`, report it, then (only when the
 * consumer asks for the next token) feed it through `state`. A consumer stops by leaving the loop,
 * so no step is computed for a token nobody will read.
 */
export function* greedyTokens(model: Model, state: ModelState, logits: Float32Array, maxNew: number, topK = 5): Generator<GeneratedToken, void> {
  for (let n = 0; n < maxNew; n++) {
    const choice = choose(logits, Math.max(1, topK));
    yield topK > 0 ? choice : { ...choice, top: [] };
    if (n + 1 < maxNew) logits = step(model, state, choice.id);
  }
}

export function generateGreedy(model: Model, ids: Int32Array | number[], maxNew: number, opts: GenerateOptions = {}): GenerateResult {
  const started = Date.now();
  const prefill = forward(model, ids, undefined, { lastLogitsOnly: true });
  const prefillMs = Date.now() - started;
  const out = Array.from(ids);
  const tokens: GeneratedToken[] = [];
  const t0 = Date.now();
  for (const choice of greedyTokens(model, prefill.state, prefill.logits.data, maxNew, opts.topK ?? 5)) {
    tokens.push(choice);
    out.push(choice.id);
    if (opts.stopAt?.(choice.id)) break;
  }
  const steps = Math.max(1, tokens.length - 1);
  return { ids: out, tokens, state: prefill.state, prefillMs, msPerToken: (Date.now() - t0) / steps };
}

/** Greedy answers for the phonebook scorer and sweeps (engine/phonebook), on `model` as arranged. */
export function greedyDecoder(model: Model): GreedyDecode {
  return (promptIds, maxNew, stopAt) => {
    const r = generateGreedy(model, promptIds, maxNew, { stopAt, topK: 0 });
    return { ids: r.tokens.map((t) => t.id), logprobs: r.tokens.map((t) => t.logprob) };
  };
}

/** argmax (first index on ties, as torch.argmax) with log-softmax probabilities and the top k. */
export function choose(logits: Float32Array, k: number): GeneratedToken {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] > max) { max = logits[i]; best = i; }
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logZ = max + Math.log(sum);
  const top: TokenChoice[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (top.length < k || logits[i] > logits[top[top.length - 1].id]) {
      top.push({ id: i, logprob: logits[i] - logZ });
      top.sort((a, b) => b.logprob - a.logprob || a.id - b.id);
      if (top.length > k) top.pop();
    }
  }
  return { id: best, logprob: logits[best] - logZ, top };
}
