// Greedy decoding with caches: the prompt is run once (prefill), then each new token is one `step`
// through every block's state (conv + SSM state, KV cache) — the prompt is never recomputed.
// Per-token log-probabilities and the top-k alternatives come with every generated token.
import type { ModelState } from './forward';
import { forward } from './forward';
import type { Model } from './model';

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

/** Feed one token through every block's state; returns the next-token logits (V). */
export function step(model: Model, state: ModelState, id: number): Float32Array {
  return forward(model, [id], undefined, { state, lastLogitsOnly: true }).logits.data;
}

export function generateGreedy(model: Model, ids: Int32Array | number[], maxNew: number, opts: GenerateOptions = {}): GenerateResult {
  const started = Date.now();
  const prefill = forward(model, ids, undefined, { lastLogitsOnly: true });
  const prefillMs = Date.now() - started;
  const state = prefill.state;
  let logits = prefill.logits.data;
  const out = Array.from(ids);
  const tokens: GeneratedToken[] = [];
  const t0 = Date.now();
  for (let n = 0; n < maxNew; n++) {
    const choice = choose(logits, opts.topK ?? 5);
    tokens.push(choice);
    out.push(choice.id);
    if (opts.stopAt?.(choice.id) || n === maxNew - 1) break;
    logits = step(model, state, choice.id);
  }
  const steps = Math.max(1, tokens.length - 1);
  return { ids: out, tokens, state, prefillMs, msPerToken: (Date.now() - t0) / steps };
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
