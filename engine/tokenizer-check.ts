// tokenizer.json checked before @huggingface/tokenizers reads it. The library trusts the file: an id
// of 1e9 makes it build a billion-slot array and scan it for minutes, and a section of the wrong type
// surfaces as "x.map is not a function". Here the parts it indexes or iterates are checked, so a bad
// file is refused with a message naming the field.
// Format: https://huggingface.co/docs/tokenizers/api/tokenizer (serialised Tokenizer).
import { CheckpointError } from './errors';

/** Largest token id accepted (2M; the largest real vocabularies are ~256k). */
export const MAX_TOKEN_ID = 2 ** 21;

/** The keys under which a Sequence component lists its children, per section. */
const CHILDREN = ['normalizers', 'pretokenizers', 'processors', 'decoders'];
const SECTIONS = ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const brief = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

export function checkTokenizerJson(json: Obj, file: string): void {
  const bad = (field: string, problem: string): never => {
    throw new CheckpointError(file, `${field} ${problem}`);
  };
  const id = (v: unknown, field: string) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) >= MAX_TOKEN_ID) {
      bad(field, `is ${brief(v)}; token ids are integers 0..${MAX_TOKEN_ID - 1}`);
    }
  };

  const model = json.model;
  if (!isObj(model)) bad('model', `is ${brief(model)}, not an object`);
  const m = model as Obj;
  if (m.type !== undefined && typeof m.type !== 'string') bad('model.type', `is ${brief(m.type)}, not a string`);
  const vocab = m.vocab;
  // WordLevel, WordPiece and BPE map token → id; Unigram lists [token, score] pairs by id.
  if (isObj(vocab)) {
    for (const [token, v] of Object.entries(vocab)) id(v, `model.vocab[${brief(token)}]`);
  } else if (Array.isArray(vocab)) {
    if (vocab.length > MAX_TOKEN_ID) bad('model.vocab', `has ${vocab.length} tokens, more than ${MAX_TOKEN_ID}`);
    vocab.forEach((pair, i) => {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'number') bad(`model.vocab[${i}]`, `is ${brief(pair)}, not [token, score]`);
    });
  } else bad('model.vocab', `is ${brief(vocab)}, not a token → id map`);
  for (const key of ['unk_token', 'continuing_subword_prefix', 'end_of_word_suffix']) {
    if (m[key] !== undefined && m[key] !== null && typeof m[key] !== 'string') bad(`model.${key}`, `is ${brief(m[key])}, not a string`);
  }
  if (m.merges !== undefined && !Array.isArray(m.merges)) bad('model.merges', `is ${brief(m.merges)}, not a list`);

  // The library iterates added_tokens unconditionally; serialised tokenizers always carry the list.
  const added = json.added_tokens;
  if (!Array.isArray(added)) bad('added_tokens', `is ${brief(added)}, not a list`);
  (added as unknown[]).forEach((t, i) => {
    if (!isObj(t)) bad(`added_tokens[${i}]`, `is ${brief(t)}, not an object`);
    const tok = t as Obj;
    id(tok.id, `added_tokens[${i}].id`);
    if (typeof tok.content !== 'string') bad(`added_tokens[${i}].content`, `is ${brief(tok.content)}, not a string`);
  });

  const component = (c: unknown, field: string, depth: number): void => {
    if (c === null || c === undefined) return;
    if (!isObj(c)) bad(field, `is ${brief(c)}, not an object`);
    const o = c as Obj;
    if (typeof o.type !== 'string') bad(`${field}.type`, `is ${brief(o.type)}, not a string`);
    if (depth > 8) bad(field, 'nests Sequences more than 8 deep');
    for (const key of CHILDREN) {
      if (o[key] === undefined) continue;
      if (!Array.isArray(o[key])) bad(`${field}.${key}`, `is ${brief(o[key])}, not a list`);
      (o[key] as unknown[]).forEach((child, i) => component(child, `${field}.${key}[${i}]`, depth + 1));
    }
    if (o.pattern !== undefined) {
      const p = o.pattern as Obj;
      if (!isObj(p) || !(typeof p.String === 'string' || typeof p.Regex === 'string')) bad(`${field}.pattern`, `is ${brief(o.pattern)}, not {"String": …} or {"Regex": …}`);
    }
    for (const key of ['behavior', 'content', 'prepend', 'replacement', 'prefix']) {
      if (o[key] !== undefined && typeof o[key] !== 'string') bad(`${field}.${key}`, `is ${brief(o[key])}, not a string`);
    }
  };
  for (const section of SECTIONS) component(json[section], section, 0);
  for (const section of ['truncation', 'padding']) {
    if (json[section] !== undefined && json[section] !== null && !isObj(json[section])) bad(section, `is ${brief(json[section])}, not an object or null`);
  }
}
