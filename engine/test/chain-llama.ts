// A random-weight Llama checkpoint with a planted bigram chain: after token chain[i] it predicts
// chain[i + 1] by a wide margin, whatever came before, so greedy decoding writes a chosen answer (or a
// chosen wrong one) from a real tokenizer's ids. How: chain[i]'s embedding is the unit vector e_i;
// attention and MLP weights are small, so the stream after the one layer stays near e_i; the final
// RMSNorm makes that about √D·e_i, and lm_head's row chain[i + 1] holds 8 at dimension i (its other
// entries and rows are small random numbers), a logit of about 8√D against ones below 1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors } from '../io/safetensors-write';
import { tinyTensors } from './tiny';

export function chainLlamaConfig(vocab: number): Record<string, unknown> {
  return {
    model_type: 'llama', architectures: ['LlamaForCausalLM'], vocab_size: vocab, hidden_size: 32, num_hidden_layers: 1,
    num_attention_heads: 4, num_key_value_heads: 2, head_dim: 8, intermediate_size: 48, rms_norm_eps: 1e-6, rope_theta: 10000,
    max_position_embeddings: 4096, hidden_act: 'silu', tie_word_embeddings: false, torch_dtype: 'float32',
  };
}

/** Writes config.json and model.safetensors of the chain model into `dir`. */
export function writeChainLlama(dir: string, vocab: number, chain: number[], seed = 1): void {
  const config = chainLlamaConfig(vocab);
  const D = config.hidden_size as number;
  if (new Set(chain).size !== chain.length) throw new Error(`chain-llama: the chain repeats a token (${chain.join(', ')})`);
  if (chain.length - 1 > D) throw new Error(`chain-llama: at most ${D + 1} tokens in a chain`);
  const tensors = tinyTensors(config, { seed });
  for (const [name, t] of Object.entries(tensors)) {
    if (name.endsWith('.bias')) delete tensors[name]; // Llama has none (attention_bias, mlp_bias false)
    else if (name.includes('layers.') && !name.endsWith('norm.weight')) t.data.forEach((v, i, a) => (a[i] = 0.05 * v));
  }
  const emb = tensors['model.embed_tokens.weight'].data;
  const head = tensors['lm_head.weight'].data;
  head.forEach((v, i, a) => (a[i] = 0.1 * v));
  chain.slice(0, -1).forEach((id, i) => {
    emb.fill(0, id * D, (id + 1) * D);
    emb[id * D + i] = 1;
    head[chain[i + 1] * D + i] += 8;
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors));
}
