// Builds assets/tokenizer/tokenizer.json (+ tokenizer_config.json): the word-level tokenizer of the
// bundled models, in the Hugging Face `tokenizers` JSON schema so both @huggingface/tokenizers (engine)
// and Python `tokenizers`/transformers (training) load it.
//
//   npx tsx assets/tokenizer/build.mjs        (tsx: it reads the template words from the TS generator)
//
// Vocabulary, in id order: specials, newline, space, the digits 0–9, every other printable ASCII
// symbol, the template words of both formats and variants, the first names, the last names.
// Pre-tokenizer: one Split whose regex matches a whole ASCII word, a single digit or any other single
// character, so every character lands in exactly one token (spaces and newlines are tokens too) and
// the Fuse decoder (concatenation) gives the text back exactly. Unknown words and symbols map to [UNK].
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { TEMPLATE_SYMBOLS, TEMPLATE_WORDS } from '../../engine/phonebook/templates.ts';

const here = dirname(fileURLToPath(import.meta.url));

export const SPECIALS = ['[PAD]', '[UNK]', '[BOS]', '[EOS]'];
export const SPLIT_REGEX = '[A-Za-z]+|[0-9]|[^A-Za-z0-9]';

/** The tokenizer.json and tokenizer_config.json objects for a names list ({first, last}). */
export function buildTokenizer(names) {
  const printable = [];
  for (let c = 0x21; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    if (!/[A-Za-z0-9]/.test(ch)) printable.push(ch);
  }
  for (const s of TEMPLATE_SYMBOLS) if (s.length !== 1) throw new Error(`template symbol ${JSON.stringify(s)} is not one character`);

  const vocab = {};
  for (const token of [
    ...SPECIALS,
    '\n',
    ' ',
    ...'0123456789',
    ...printable,
    ...TEMPLATE_SYMBOLS,
    ...TEMPLATE_WORDS,
    ...names.first,
    ...names.last,
  ]) {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  }

  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'Split', pattern: { Regex: SPLIT_REGEX }, behavior: 'Isolated', invert: false }],
    },
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };

  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: '[UNK]',
    pad_token: '[PAD]',
    bos_token: '[BOS]',
    eos_token: '[EOS]',
    clean_up_tokenization_spaces: false,
    model_max_length: 1000000,
  };

  return { tokenizer, config };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = JSON.parse(readFileSync(join(here, '../phonebook/names.json'), 'utf8'));
  const { tokenizer, config } = buildTokenizer(names);
  writeFileSync(join(here, 'tokenizer.json'), JSON.stringify(tokenizer, null, 1) + '\n');
  writeFileSync(join(here, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
  process.stdout.write(`tokenizer.json: ${Object.keys(tokenizer.model.vocab).length} tokens\n`);
}
