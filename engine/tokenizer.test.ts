import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './tokenizer';

const wordLevel = {
  version: '1.0',
  added_tokens: [{ id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'WhitespaceSplit' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, Alice: 1, ':': 2, '5': 3, '7': 4 }, unk_token: '[UNK]' },
};

describe('loadTokenizer', () => {
  it('encodes known words with offsets and maps unknown symbols to the unk id', () => {
    const tok = loadTokenizer(wordLevel);
    const enc = tok.encode('Alice : 5 Zed 7');
    expect(enc.ids).toEqual([1, 2, 3, 0, 4]);
    expect(enc.offsets[0]).toEqual([0, 5]);
    expect(enc.offsets[4]).toEqual([14, 15]);
    expect(tok.vocabSize).toBe(5);
    expect(tok.idToToken(3)).toBe('5');
    expect(tok.tokenToId('Alice')).toBe(1);
  });

  it('maps the null ids a WordLevel model without unk_token returns to the [UNK] id', () => {
    const noUnk = { ...wordLevel, model: { type: 'WordLevel', vocab: wordLevel.model.vocab } };
    const tok = loadTokenizer(noUnk);
    expect(tok.unkId).toBe(0);
    expect(tok.encode('Alice Bob 7').ids).toEqual([1, 0, 4]);
  });

  it('rejects something that is not a tokenizer.json', () => {
    expect(() => loadTokenizer({ hello: 1 }, {}, 'dir/tokenizer.json')).toThrow(/dir\/tokenizer\.json: not a tokenizer\.json/);
  });
});
