// tokenizer.json through @huggingface/tokenizers. Word-level models can return null ids for
// symbols outside the vocab; those map to the unk id so a prompt never carries holes. The library
// gives no offsets; each token's character span is found here (`spansOf`), as Hugging Face
// tokenizers reports it for byte-level BPE (GPT-2, Llama-3 and most real checkpoints).
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from './errors';
import { utf8Encode } from './io/text';
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
  const spans = spansOf(json as Record<string, unknown>);
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
      return { ids, offsets: spans(text, enc.tokens) };
    },
    decode: (ids) => (ids.length === 0 ? '' : guard('decode ids', () => tok.decode(ids))), // the library refuses []
    idToToken: (id) => tok.id_to_token(id),
    tokenToId: (token) => tok.token_to_id(token),
  };
}

/** How a tokenizer's token spans are found: from their bytes (byte-level tokenizers, when the tokens
 *  spell the text's bytes exactly), else by locating each token's text. */
function spansOf(json: Record<string, unknown>): (text: string, tokens: (string | null | undefined)[]) => [number, number][] {
  if (!isByteLevel(json.pre_tokenizer)) return locate;
  const added = new Set((json.added_tokens as { content: string }[]).map((t) => t.content));
  return (text, tokens) => byteLevelSpans(text, tokens, added) ?? locate(text, tokens);
}

function isByteLevel(c: unknown): boolean {
  if (c === null || typeof c !== 'object') return false;
  const o = c as { type?: unknown; pretokenizers?: unknown };
  return o.type === 'ByteLevel' || (Array.isArray(o.pretokenizers) && o.pretokenizers.some(isByteLevel));
}

/** GPT-2's bytes_to_unicode reversed: the symbol a byte-level token writes for each byte. Printable
 *  Latin-1 bytes stand for themselves; the other 68 are shifted to U+0100 … in byte order. */
const BYTE_OF = ((): Map<string, number> => {
  const m = new Map<string, number>();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
    m.set(String.fromCharCode(printable ? b : 256 + shifted++), b);
  }
  return m;
})();

/**
 * Spans of byte-level tokens: each token's bytes are the next bytes of the text's UTF-8, and its
 * span covers every character those bytes belong to (a character split between two tokens lies in
 * both), as Hugging Face tokenizers reports offsets without trimming (GPT-2's post-processor); a
 * leading space stays in its token's span (" 612"). Offsets count UTF-16 code units, as the text's
 * indices do. Null when the tokens do not spell the text (a normalizer or a prefix space changed it).
 */
function byteLevelSpans(text: string, tokens: (string | null | undefined)[], added: Set<string>): [number, number][] | null {
  const bytes = utf8Encode(text);
  // for each byte, the [start, end) of the character (UTF-16 units) it belongs to
  const charStart = new Int32Array(bytes.length);
  const charEnd = new Int32Array(bytes.length);
  for (let i = 0, b = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    charStart.fill(i, b, b + n);
    charEnd.fill(i + units, b, b + n);
    i += units;
    b += n;
  }
  const spans: [number, number][] = [];
  let at = 0;
  for (const token of tokens) {
    if (token === null || token === undefined) return null;
    const own = added.has(token) ? utf8Encode(token) : null;
    const n = own ? own.length : token.length;
    if (n === 0 || at + n > bytes.length) return null;
    for (let k = 0; k < n; k++) {
      const b = own ? own[k] : BYTE_OF.get(token[k]);
      if (b !== bytes[at + k]) return null;
    }
    spans.push([charStart[at], charEnd[at + n - 1]]);
    at += n;
  }
  return at === bytes.length ? spans : null;
}

/**
 * Character spans of the tokens in `text`, found left to right (word-level and other tokenizers).
 * The library returns tokens but no offsets; a token that cannot be found (normalised text) gets an
 * empty span at the current position.
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
