// Shared test data of the phonebook tests (pure data, no test runner imports).
import type { Tokenizer } from '../tokenizer';

/** Hand-made scoring cases: generated text, expected answer, exact match, digits right. */
export const SCORE_CASES: [generated: string, answer: string, exact: boolean, digitsRight: number][] = [
  [' 6123456789\n', '6123456789', true, 10],
  ['6123456789', '6123456789', true, 10], // no newline within the bound: the whole text is the line
  [' 6123456780\nKaren Lee: 7', '6123456789', false, 9],
  [' 7123456789\n', '6123456789', false, 9],
  [' 612\n', '6123456789', false, 3],
  [' 1234567890\n', '6123456789', false, 0], // shifted by one: position by position, nothing right
  [' 61234567890\n', '6123456789', false, 10], // extra digits are ignored by the digit score only
  ['  6123456789 \t\n', '6123456789', true, 10],
  [' 612 345 6789\n', '6123456789', false, 10],
  ['', '6123456789', false, 0],
  ['\n6123456789', '6123456789', false, 0], // the first line is empty
  [' 612-345-6789\nWhat', '612-345-6789', true, 10],
  [' 612-345-6780\n', '612-345-6789', false, 9],
  [' 6123456789\n', '612-345-6789', false, 10],
  [' [UNK]12-345-6789\n', '612-345-6789', false, 0],
];

/** One token per character (as Python's len() counts): a stand-in for "the model's own tokenizer". */
export const charTokenizer: Tokenizer = {
  encode: (text) => ({ ids: [...text].map((c) => c.charCodeAt(0)), offsets: [...text].map((_, i) => [i, i + 1] as [number, number]) }),
  decode: (ids) => String.fromCharCode(...ids),
  idToToken: (id) => String.fromCharCode(id),
  tokenToId: (t) => t.charCodeAt(0),
  vocabSize: 128,
};
