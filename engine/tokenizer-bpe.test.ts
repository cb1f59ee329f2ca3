// A real byte-level BPE tokenizer (GPT-2's vocabulary and merges, engine/test/gpt2-tokenizer.ts)
// through loadTokenizer: the same ids, offsets and decoded text as transformers'
// PreTrainedTokenizerFast reading the same tokenizer.json. Python: $HYBRIDSCOPE_PYTHON (.ci/run's
// venv), else tmp/venv-ci, else python3; without transformers the comparison fails in CI and is
// skipped elsewhere, and the checks that need no reference still run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePhonebook } from './phonebook/generate';
import { FORMATS, VARIANTS } from './phonebook/templates';
import { gpt2Tokenizer, writeGpt2Tokenizer } from './test/gpt2-tokenizer';
import { loadTokenizer } from './tokenizer';

const ciVenv = 'tmp/venv-ci/bin/python';
const python = process.env.HYBRIDSCOPE_PYTHON ?? (existsSync(ciVenv) ? ciVenv : 'python3');
const hasTransformers = spawnSync(python, ['-c', 'import transformers, tokenizers'], { encoding: 'utf8' }).status === 0;
if (!hasTransformers && process.env.CI) throw new Error(`tokenizer-bpe: ${python} cannot import transformers (.ci/run sets HYBRIDSCOPE_PYTHON)`);

const { tokenizer, config } = gpt2Tokenizer();
const tok = loadTokenizer(tokenizer, config);

const TEXTS: string[] = [
  ...FORMATS.flatMap((format) => VARIANTS.map((variant) => {
    const p = makePhonebook({ format, variant, entries: 12, shots: 3 }, 31);
    return p.text + p.completion;
  })),
  'Alice Smith: 6123456789\nBob Lee: 555', ' 555', '555 5555 55555 555555', '612-555-0199', '0', '00000000001', '3.14159, 1,000,000 and 2^64 = 18446744073709551616',
  'héllo wörld — naïve café', '日本語のテキスト', 'emoji 🙂👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'e\u0301 combining', 'שלום עולם', 'Ω≈ç√∫ ¡¬® þÿ',
  '  two leading', 'trailing  ', 'a\n\n\nb', '\ttab\t and\r\nCRLF', ' \n \n', '\n', ' ', '',
  "isn't they're I'll we've 'quoted'", 'Hello , world . ? !', 'x<|endoftext|>y <|endoftext|>',
];

describe('GPT-2 byte-level BPE through loadTokenizer', () => {
  it('round-trips every text and merges digits into multi-digit tokens, the space before a number in its first', () => {
    for (const text of TEXTS) expect(tok.decode(tok.encode(text).ids)).toBe(text);
    expect(tok.vocabSize).toBe(50257);
    const enc = tok.encode('Alice Smith: 6123456789\n');
    expect(enc.ids.map((id) => tok.decode([id]))).toEqual(['Alice', ' Smith', ':', ' 6', '123', '45', '67', '89', '\n']);
    expect(enc.offsets).toEqual([[0, 5], [5, 11], [11, 12], [12, 14], [14, 17], [17, 19], [19, 21], [21, 23], [23, 24]]);
    expect(tok.encode(' 555').ids).toHaveLength(1);
  });

  it('gives each token the characters of its bytes: a character split between tokens lies in each, offsets in UTF-16 units', () => {
    const text = 'a 🙂b é';
    const enc = tok.encode(text);
    const covered = enc.offsets.map(([a, b]) => text.slice(a, b));
    expect(covered.join('')).toContain('🙂');
    enc.offsets.forEach(([a, b], i) => {
      expect(b).toBeGreaterThan(a);
      if (i > 0) expect(a).toBeGreaterThanOrEqual(enc.offsets[i - 1][1] - 2); // overlap only within one character
    });
    expect(enc.offsets[enc.offsets.length - 1][1]).toBe(text.length);
  });
});

describe.skipIf(!hasTransformers)('GPT-2 byte-level BPE against transformers (PreTrainedTokenizerFast)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-gpt2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same ids, offsets and decoded text on phonebooks, digits, unicode, spaces and newlines', () => {
    writeGpt2Tokenizer(dir);
    // offsets converted from Python's code points to UTF-16 units, the indices of a JS string
    const script = [
      'import json, sys',
      'from transformers import PreTrainedTokenizerFast',
      `t = PreTrainedTokenizerFast(tokenizer_file=${JSON.stringify(join(dir, 'tokenizer.json'))})`,
      'u = lambda s, i: len(s[:i].encode("utf-16-le")) // 2',
      'out = []',
      'for s in json.load(sys.stdin):',
      '    e = t(s, add_special_tokens=False, return_offsets_mapping=True)',
      '    out.append([e["input_ids"], [[u(s, a), u(s, b)] for a, b in e["offset_mapping"]],',
      '                t.decode(e["input_ids"], skip_special_tokens=False, clean_up_tokenization_spaces=False)])',
      'print(json.dumps(out))',
    ].join('\n');
    const out = JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(TEXTS), encoding: 'utf8', maxBuffer: 1 << 26 })) as [number[], [number, number][], string][];
    TEXTS.forEach((text, i) => {
      const js = tok.encode(text);
      expect(js.ids, JSON.stringify(text)).toEqual(out[i][0]);
      expect(js.offsets, JSON.stringify(text)).toEqual(out[i][1]);
      expect(tok.decode(js.ids), JSON.stringify(text)).toBe(out[i][2]);
      expect(out[i][2]).toBe(text);
    });
  });
});
