// The text-shaped inputs under attack: tokenizer.json (the shipped word-level tokenizer with fields
// mutated, and random JSON), layout strings and layout edits against a real model (random strings,
// valid block chars in combinations the model cannot run, edits out of range), and phonebook specs
// (negative or huge entries, depth outside 0–1, NaN, wrong types, odd seeds).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { CheckpointError, LayoutError } from '../../errors';
import { loadModel } from '../../io/checkpoint';
import { editLayout, type LayoutEdit } from '../../layout';
import { makePhonebook, type PhonebookSpec } from '../../phonebook/generate';
import { loadTokenizer, type Tokenizer } from '../../tokenizer';
import { tinyCheckpoint } from '../tiny';
import { attemptSync, newStats, show, type Expectation, type KindStats } from './harness';
import { applyFields, draw, fieldMutations, hostileValue } from './mutate';

const ROOT = new URL('../../../', import.meta.url);
const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, ROOT), 'utf8'));

export function shippedTokenizer(): Tokenizer {
  return loadTokenizer(readJson('assets/tokenizer/tokenizer.json'), readJson('assets/tokenizer/tokenizer_config.json'));
}

const TOKENIZER_FILE = 'hostile/tokenizer.json';
const tokenizerExpect: Expectation = { classes: [CheckpointError], names: (m) => m.startsWith(`${TOKENIZER_FILE}: `) };
const layoutExpect: Expectation = { classes: [LayoutError], names: (m) => m.startsWith('layout ') };
/** The phonebook generator refuses with plain Errors that start with `phonebook:`. */
const phonebookExpect: Expectation = { classes: [Error], names: (m) => m.startsWith('phonebook: ') };

const SAMPLE = 'Ada Lovelace: 6125550123\nWhat is the phone number for Ada Lovelace?\nAnswer: ☃ 𝔘nknown';

export function tokenizerCampaign(seed: number, scale = 1): KindStats[] {
  const stats = newStats('tokenizer.json');
  const base = readJson('assets/tokenizer/tokenizer.json');
  const config = readJson('assets/tokenizer/tokenizer_config.json');
  const inputs = fc.oneof(
    { weight: 5, arbitrary: fieldMutations().map((ops) => applyFields(base, ops)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.record({ model: hostileValue(), pre_tokenizer: hostileValue(), decoder: hostileValue() }, { requiredKeys: ['model'] }) },
  );
  // The library warns on the console about parts it skips (e.g. an unknown pattern type): quiet here.
  const warn = console.warn;
  console.warn = () => {};
  try {
    for (const json of draw(inputs, Math.round(900 * scale), seed)) {
      attemptSync(stats, () => show(json), () => {
        const tok = loadTokenizer(json, config, TOKENIZER_FILE);
        const { ids } = tok.encode(SAMPLE);
        tok.decode(ids);
        tok.idToToken(ids[0] ?? 0);
      }, tokenizerExpect);
    }
  } finally {
    console.warn = warn;
  }
  return [stats];
}

export async function layoutCampaign(seed: number, scale = 1): Promise<KindStats[]> {
  const strings = newStats('layout: strings');
  const edits = newStats('layout: edits');
  const model = await loadModel(tinyCheckpoint('nemotron_h')); // M-M*-M: three M, two -, one *
  const mixed = await loadModel(tinyCheckpoint('mamba')); // mmm…: Mamba-1 only
  const layouts = fc.oneof(
    fc.string({ unit: fc.constantFrom('M', '*', '-', 'm'), maxLength: 12 }),
    fc.string({ unit: fc.constantFrom('M', '*', '-', 'm', 'x', ' ', '\n', '"', '\u0000'), maxLength: 12 }),
    fc.string({ maxLength: 16 }),
    fc.constantFrom('', 'MMMMMMMM', '******', 'M-M*-M', 'M-M*-M-', 'mmmm', '-'.repeat(5000), 'M\nM'),
  );
  for (const [layout, k] of draw(fc.tuple(layouts, fc.nat()), Math.round(1500 * scale), seed)) {
    const target = k % 2 === 0 ? model : mixed;
    attemptSync(strings, () => show(layout), () => editLayout(target, layout), layoutExpect);
  }
  const index = fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constantFrom(NaN, Infinity, 0.5, 2 ** 53));
  const edit: fc.Arbitrary<LayoutEdit> = fc.oneof(
    fc.record({ op: fc.constant('move' as const), from: index, to: index }),
    fc.record({ op: fc.constant('drop' as const), at: index }),
    fc.record({ op: fc.constant('duplicate' as const), at: index }),
    fc.record({ op: fc.constant('swap' as const), a: index, b: index }),
  );
  const lists = fc.oneof(
    fc.array(edit, { minLength: 1, maxLength: 8 }).map((e): LayoutEdit[] | number[] => e),
    fc.array(index, { minLength: 1, maxLength: 10 }).map((e): LayoutEdit[] | number[] => e),
  );
  for (const list of draw(lists, Math.round(1000 * scale), seed + 1)) {
    attemptSync(edits, () => show(list), () => editLayout(model, list), layoutExpect);
  }
  return [strings, edits];
}

export function phonebookCampaign(seed: number, scale = 1): KindStats[] {
  const stats = newStats('phonebook specs');
  const tokenizer = shippedTokenizer();
  const valid: PhonebookSpec = { format: 'question', variant: 'standard', entries: 12, depth: 0.5, shots: 2 };
  const specs = fc.oneof(
    { weight: 3, arbitrary: fieldMutations().map((ops) => applyFields(valid, ops)) },
    {
      weight: 2, arbitrary: fc.record({
        format: fc.oneof(fc.constantFrom('bare', 'question'), hostileValue()),
        variant: fc.oneof(fc.constantFrom('standard', 'reversed'), hostileValue()),
        entries: fc.oneof(fc.integer({ min: -3, max: 60 }), fc.constantFrom(0, 10_000, 10_001, 1e9, NaN, Infinity, 1.5), hostileValue()),
        tokens: fc.oneof(fc.integer({ min: -3, max: 3000 }), fc.constantFrom(0, 1e12, NaN, 0.5), hostileValue()),
        depth: fc.oneof(fc.double({ min: -0.5, max: 1.5 }), fc.constantFrom(NaN, Infinity, -0, null), hostileValue()),
        shots: fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(1e9, NaN, 2.5), hostileValue()),
      }, { requiredKeys: [] }),
    },
  );
  const seeds = fc.oneof(fc.nat(), fc.integer(), fc.constantFrom(NaN, -1, 2 ** 53, 1.5, Infinity, 2 ** 32));
  // A token budget past the name capacity legitimately builds and tokenizes the largest book (10,000
  // entries, ~150k tokens: seconds on a loaded machine), hence a longer bound than the other readers.
  for (const [spec, s, withTokenizer] of draw(fc.tuple(specs, seeds, fc.boolean()), Math.round(1200 * scale), seed)) {
    attemptSync(stats, () => `${show(spec)} seed ${s}`, () => makePhonebook(spec as PhonebookSpec, s, withTokenizer ? tokenizer : undefined), phonebookExpect, 10_000);
  }
  return [stats];
}
