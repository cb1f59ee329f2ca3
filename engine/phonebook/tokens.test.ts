// The shipped word-level tokenizer (assets/tokenizer/tokenizer.json) with the phonebook prompts:
// vocabulary, exact round trip, unknown symbols, token spans and the token-budget mode.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTokenizer } from '../../assets/tokenizer/build.mjs';
import { loadTokenizer, type Tokenizer } from '../tokenizer';
import { makePhonebook, type PhonebookPrompt } from './generate';
import { DEFAULT_NAMES } from './names';
import { charTokenizer } from './test-fixtures';
import { FORMATS, TEMPLATE_WORDS, VARIANTS } from './templates';

const json = JSON.parse(readFileSync('assets/tokenizer/tokenizer.json', 'utf8'));
const config = JSON.parse(readFileSync('assets/tokenizer/tokenizer_config.json', 'utf8'));
const tok = loadTokenizer(json, config);


describe('assets/tokenizer/tokenizer.json', () => {
  it('is what build.mjs makes from names.json (reproducible)', () => {
    const names = JSON.parse(readFileSync('assets/phonebook/names.json', 'utf8'));
    expect(buildTokenizer(names).tokenizer).toEqual(json);
    expect(buildTokenizer(names).config).toEqual(config);
  });

  it('has one token for every name, template word, digit, space and newline', () => {
    for (const word of [...DEFAULT_NAMES.first, ...DEFAULT_NAMES.last, ...TEMPLATE_WORDS, ...'0123456789', ' ', '\n', ':', '-', '?', '.', ',']) {
      const enc = tok.encode(word);
      expect(enc.ids).toHaveLength(1);
      expect(enc.ids[0]).not.toBe(tok.unkId);
      expect(tok.idToToken(enc.ids[0])).toBe(word);
    }
    expect(tok.vocabSize).toBe(Object.keys(json.model.vocab).length);
  });

  it('round-trips every template exactly and splits numbers into digits', () => {
    for (const format of FORMATS)
      for (const variant of VARIANTS) {
        const p = makePhonebook({ format, variant, entries: 30 }, 3);
        const full = p.text + p.completion;
        const enc = tok.encode(full);
        expect(enc.ids).not.toContain(tok.unkId);
        expect(tok.decode(enc.ids)).toBe(full);
        expect(tok.encode(p.answer).ids).toHaveLength(p.answer.length);
      }
  });

  it('maps unknown words and symbols to [UNK] (the library gives null ids there)', () => {
    const enc = tok.encode('Mary Zork: é7\t');
    const unk = json.model.vocab['[UNK]'];
    expect(tok.unkId).toBe(unk);
    expect(enc.ids).toEqual([json.model.vocab.Mary, json.model.vocab[' '], unk, json.model.vocab[':'], json.model.vocab[' '], unk, json.model.vocab['7'], unk]);
    expect(enc.ids.every((id) => Number.isInteger(id))).toBe(true);
    // without tokenizer_config.json the wrapper still finds the unk token in the model section
    expect(loadTokenizer(json).encode('Zork').ids).toEqual([unk]);
  });
});

function expectTokenSpansCut(p: PhonebookPrompt, t: Tokenizer) {
  const tokens = p.tokens!;
  const cut = (chars: [number, number], span: [number, number]) => {
    expect(span[1]).toBeGreaterThan(span[0]);
    expect(tokens.offsets[span[0]][0]).toBe(chars[0]);
    expect(tokens.offsets[span[1] - 1][1]).toBe(chars[1]);
    expect(t.decode(tokens.ids.slice(span[0], span[1]))).toBe(p.text.slice(chars[0], chars[1]));
  };
  p.entries.forEach((e, i) => {
    cut(e.span, tokens.entries[i].span);
    cut(e.nameSpan, tokens.entries[i].nameSpan);
    cut(e.numberSpan, tokens.entries[i].numberSpan);
  });
  p.lookups.forEach((l, i) => {
    cut(l.span, tokens.lookups[i].span);
    cut(l.numberSpan, tokens.lookups[i].numberSpan);
  });
  cut(p.query, tokens.query);
  if (p.request) cut(p.request, tokens.request!);
}

describe('token spans', () => {
  it('cut exactly the entry texts and tokens, under the shipped and a character tokenizer', () => {
    for (const t of [tok, charTokenizer])
      for (const format of FORMATS)
        for (const variant of VARIANTS) {
          const p = makePhonebook({ format, variant, entries: 25, shots: 4 }, 17, t);
          expectTokenSpansCut(p, t);
        }
    const p = makePhonebook({ format: 'bare', variant: 'standard', entries: 5 }, 1, tok);
    expect(p.tokens!.entries.map((e) => e.span[1] - e.span[0])).toEqual([15, 15, 15, 15, 15]); // First ␠ Last : ␠ 10 digits
  });
});

describe('token budget', () => {
  it('fits the longest book under the budget, within one entry of it', () => {
    for (const [t, budgets] of [[tok, [120, 1000, 4096]], [charTokenizer, [400, 4096]]] as const)
      for (const format of FORMATS)
        for (const variant of VARIANTS)
          for (const budget of budgets) {
            const p = makePhonebook({ format, variant, tokens: budget }, 23, t);
            const used = p.tokens!.ids.length;
            expect(used).toBeLessThanOrEqual(budget);
            expect(p.budget).toBe(budget);
            expectTokenSpansCut(p, t);
            const longer = makePhonebook({ format, variant, entries: p.spec.entries + 1 }, 23, t);
            expect(longer.tokens!.ids.length).toBeGreaterThan(budget);
            if (t === tok && p.spec.entries > 2) {
              // a longer book adds one line and its newline; names are one token each, so nothing else grows
              const entry = p.tokens!.entries[0].span;
              expect(budget - used).toBeLessThan(entry[1] - entry[0] + 1);
            }
          }
  });

  it('says when the budget is below a one-entry prompt', () => {
    expect(() => makePhonebook({ format: 'question', variant: 'reversed', tokens: 10 }, 1, tok)).toThrow(/below the one-entry prompt/);
  });
});

// The Python `tokenizers` library (training) must read the same file the same way. Runs where that
// library is installed (the GPU machine; locally: HS_PYTHON=/path/to/venv/python).
const python = process.env.HS_PYTHON ?? 'python3';
const hasPythonTokenizers = spawnSync(python, ['-c', 'import tokenizers'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasPythonTokenizers)('tokenizer.json in Python tokenizers', () => {
  it('gives the same ids and offsets and decodes back to the text', () => {
    const texts = [];
    for (const format of FORMATS)
      for (const variant of VARIANTS) {
        const p = makePhonebook({ format, variant, entries: 20 }, 4);
        texts.push(p.text + p.completion);
      }
    texts.push('Mary Zork: é7\t[BOS]');
    const script =
      'import json,sys; from tokenizers import Tokenizer; t = Tokenizer.from_file("assets/tokenizer/tokenizer.json"); ' +
      'out = [t.encode(s, add_special_tokens=False) for s in json.load(sys.stdin)]; ' +
      'print(json.dumps([[e.ids, e.offsets, t.decode(e.ids, skip_special_tokens=False)] for e in out]))';
    const out = JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' })) as [number[], [number, number][], string][];
    texts.forEach((text, i) => {
      const js = tok.encode(text);
      expect(out[i][0]).toEqual(js.ids);
      expect(out[i][1]).toEqual(js.offsets);
      if (i < texts.length - 1) expect(out[i][2]).toBe(text);
    });
  });
});
