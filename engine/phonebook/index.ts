// The phonebook lab: generator (book.ts, generate.ts), scoring (score.ts), sweeps (sweep.ts) and
// result files (results.ts). Pure TypeScript; the hosts supply the model's greedy decoder.
export { layoutPhonebook, validateBookSpec, type BookEntry, type BookPrompt, type BookSpec, type Lookup, type Span } from './book';
export { charSpanToTokens, DEFAULT_SHOTS, makePhonebook, tokenSpans, type EntryTokens, type PhonebookPrompt, type PhonebookSpec, type PromptTokens } from './generate';
export { DEFAULT_NAMES, parseNameList, type NameList } from './names';
export { deriveSeed, Rng } from './prng';
export { answerBudget, answerLine, digitTokens, markAnswer, newlineStopper, retrievedEntry, scoreAnswer, scoreInBook, scorePrompt, type AnswerScore, type DigitMark, type GreedyDecode, type GreedyResult, type Retrieved, type SampleScore } from './score';
export { cliReport, sweepToCsv, type CliReport } from './results';
export { runSweep, type CancelSignal, type PointKey, type SweepLength, type SweepModel, type SweepOptions, type SweepPoint, type SweepProgress, type SweepResult, type SweepSpec } from './sweep';
export { FORMATS, TEMPLATE_WORDS, VARIANTS, formatNumber, type PhonebookFormat, type PhonebookVariant } from './templates';
