// The fixed wording of the phonebook prompts (the NVIDIA study, arXiv 2406.07887, "phonebook" task). training/phonebook.py
// repeats these strings; engine/phonebook/python-twin.test.ts checks the two generators agree.
//
// bare (Repeat After Me, Jelassi et al.):      question (NVIDIA study):
//   <Name>: 6123456789          (N lines)        <Name>: 612-345-6789          (N lines)
//   <blank line>                                 What is the phone number for <example>?
//   <example name>: <number>    (k lines)        Answer: <number>              (k pairs)
//   <blank line>                                 What is the phone number for <target>?
//   <target name>:                               Answer:
// reversed: REQUEST(<target>) and a blank line come first, then the standard prompt.

export type PhonebookFormat = 'bare' | 'question';
export type PhonebookVariant = 'standard' | 'reversed';

export const FORMATS: readonly PhonebookFormat[] = ['bare', 'question'];
export const VARIANTS: readonly PhonebookVariant[] = ['standard', 'reversed'];

/** One book line, also a bare-format few-shot example; the trailing newline is not part of the entry. */
export const entryLine = (name: string, number: string): string => `${name}: ${number}`;

/** Question format: the question line (without its newline). */
export const questionLine = (name: string): string => `What is the phone number for ${name}?`;

export const ANSWER_PREFIX = 'Answer:';

/** Reversed variant: the request that opens the prompt (without its newline). */
export const requestLine = (name: string): string =>
  `Please find the phone number for ${name} in the phone book below. Memorize it, you will be asked for it at the end.`;

/** Phone numbers: 10 digits, the first 6–9; the question format writes them NNN-NNN-NNNN. */
export function formatNumber(digits: string, format: PhonebookFormat): string {
  return format === 'bare' ? digits : `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
}

/** Every word the templates use (names and digits excluded), for building a tokenizer vocabulary. */
export const TEMPLATE_WORDS: readonly string[] = [
  ...new Set([questionLine('X'), ANSWER_PREFIX, requestLine('X')].join(' ').match(/[A-Za-z]+/g)),
].filter((w) => w !== 'X');

/** Every non-letter, non-digit symbol the templates use (space and newline included). */
export const TEMPLATE_SYMBOLS: readonly string[] = [
  ...new Set(
    [entryLine('X', formatNumber('6000000000', 'question')), questionLine('X'), ANSWER_PREFIX, requestLine('X'), '\n']
      .join(' ')
      .replace(/[A-Za-z0-9]/g, ''),
  ),
];
