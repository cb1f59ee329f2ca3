// tokenizer.json through @huggingface/tokenizers. Word-level models can return null ids for
// symbols outside the vocab; those map to the unk id so a prompt never carries holes.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from './errors';
import { checkTokenizerJson } from './tokenizer-check';

export interface Tokenizer {
  encode(text: string): { ids: number[]; offsets: [number, number][] };
  decode(ids: number[]): string;
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  vocabSize: number;
  unkId?: number;
}

export function loadTokenizer(json: unknown, config: unknown = {}, file = 'tokenizer.json'): Tokenizer {
  if (json === null || typeof json !== 'object' || !('model' in json)) {
    throw new CheckpointError(file, 'not a tokenizer.json (no "model" section)');
  }
  checkTokenizerJson(json as Record<string, unknown>, file);
  let tok: HfTokenizer;
  try {
    tok = new HfTokenizer(json, config ?? {});
  } catch (e) {
    throw new CheckpointError(file, `cannot build tokenizer (${(e as Error).message})`);
  }
  // The library throws plain Errors (or TypeErrors on odd configs) from encode/decode: name the file.
  const guard = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(file, `cannot ${what} (${(e as Error).message})`);
    }
  };
  const vocab = tok.get_vocab(true);
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const model = (json as { model: { unk_token?: unknown } }).model;
  const unkToken = typeof model.unk_token === 'string' ? model.unk_token : '[UNK]';
  const unkId = tok.token_to_id(unkToken) ?? tok.token_to_id('<unk>');
  return {
    vocabSize,
    unkId,
    encode(text) {
      const enc = guard('encode text', () => tok.encode(text, { add_special_tokens: false }));
      const ids = enc.ids.map((id) => {
        if (id === null || id === undefined) {
          if (unkId === undefined) throw new CheckpointError(file, `text has a symbol outside the vocabulary and the tokenizer has no unk token`);
          return unkId;
        }
        return Number(id);
      });
      return { ids, offsets: locate(text, enc.tokens) };
    },
    decode: (ids) => guard('decode ids', () => tok.decode(ids)),
    idToToken: (id) => tok.id_to_token(id),
    tokenToId: (token) => tok.token_to_id(token),
  };
}

/**
 * Character spans of the tokens in `text`, found left to right. The library returns tokens but no
 * offsets; a token that cannot be found (normalised text, byte-level symbols) gets an empty span
 * at the current position.
 */
function locate(text: string, tokens: (string | null | undefined)[]): [number, number][] {
  const spans: [number, number][] = [];
  let at = 0;
  for (const raw of tokens) {
    const token = (raw ?? '').replace(/^##/, '').replace(/^▁/, ' ').replace(/^Ġ/, ' ');
    const probe = token.trim() || token;
    const found = probe ? text.indexOf(probe, at) : -1;
    if (found < 0) {
      spans.push([at, at]);
    } else {
      spans.push([found, found + probe.length]);
      at = found + probe.length;
    }
  }
  return spans;
}
