// What the bundled models' folders say about how they were trained and how they score, for the
// recall and ablation views: eval.json (the engine's own sweeps on the shipped files, written by
// training/cards.py), train.json (loss curve, book sizes, look-ups) and the longest sequence that
// training fed each model, counted with its own tokenizer and the engine's prompt builder. A model
// whose files are missing or malformed still lists, with what could not be read said in one line.
import { loadTokenizer, makePhonebook, utf8Decode, type FileSource, type ModelInfo, type Tokenizer } from '../engine';
import type { CatalogEntry, ModelEvaluation, ReferencePoint, TrainingLength } from './protocol';
import { subSource } from './sources';

/** training/data.py `Curriculum.max_tokens`: a longer training book loses look-ups (halved), then
 *  entries, until it fits; train.json does not record it because no run changed it. */
export const TRAINING_MAX_TOKENS = 1024;
/** training/data.py draws 2 look-ups, or in most books up to `max_shots`, never more than entries − 1. */
const MIN_LOOKUPS = 2;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function readJson(src: FileSource, file: string): Promise<unknown> {
  try {
    return JSON.parse(utf8Decode(await src.read(file)));
  } catch (e) {
    throw new Error(`${src.name}/${file}: ${e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message}`, { cause: e });
  }
}

/** eval.json's `engine` points (cards.py `flat`): counts where it keeps them, fractions otherwise. */
export function referencePoints(json: unknown, where: string): ReferencePoint[] {
  const list = isObj(json) ? json.engine : undefined;
  if (!Array.isArray(list)) throw new Error(`${where}: expected {"engine": [points]}`);
  return list.map((raw, i) => {
    const p = isObj(raw) ? raw : {};
    const samples = num(p.samples);
    const accuracy = num(p.accuracy);
    const entries = num(p.entries);
    if ((p.format !== 'bare' && p.format !== 'question') || (p.variant !== 'standard' && p.variant !== 'reversed') || !samples || accuracy === null || !entries) {
      throw new Error(`${where}: engine[${i}] needs format, variant, entries, samples and accuracy`);
    }
    const wrong = num(p.wrong) ?? Math.round((1 - accuracy) * samples);
    return {
      format: p.format, variant: p.variant, seed: num(p.seed) ?? 0, entries, samples,
      correct: samples - wrong,
      digitAccuracy: num(p.digit_accuracy) ?? 0,
      wrongDigitAccuracy: num(p.wrong_digit_accuracy),
      meanTokens: num(p.mean_tokens) ?? 0,
      wrongOtherEntry: num(p.wrong_other_entry),
    };
  });
}

/** A model's training runs, first to last: train.json, whose `base` is the run its weights came from. */
function phases(train: unknown): Obj[] {
  if (!isObj(train)) return [];
  return [...phases(train.base), train];
}

/** The settings of each phase that decide how long a training sequence gets. */
export interface PhaseBooks { maxEntries: number; maxLookups: number; formats: ('bare' | 'question')[] }

export function phaseBooks(train: unknown, where: string): PhaseBooks[] {
  const runs = phases(train);
  if (runs.length === 0) throw new Error(`${where}: expected an object`);
  return runs.map((run, i) => {
    const a = isObj(run.args) ? run.args : {};
    const maxEntries = num(a.max_entries);
    const maxLookups = num(a.max_shots) ?? 16;
    const formats = String(a.formats ?? 'bare,question').split(',').filter((f): f is 'bare' | 'question' => f === 'bare' || f === 'question');
    if (!maxEntries || formats.length === 0) throw new Error(`${where}: phase ${i + 1} needs args.max_entries and args.formats`);
    return { maxEntries, maxLookups, formats };
  });
}

/**
 * The longest sequence (prompt and answer, in tokens) that training could feed: every book size up to
 * max_entries, every number of look-ups training draws for it, both variants and the phase's formats,
 * each longer than TRAINING_MAX_TOKENS shortened away as data.py does. Longer books and more look-ups
 * only add tokens, so for each book size the most look-ups that fit is the one to count. The bundled
 * tokenizer gives every name and digit a token of its own, so the count does not depend on the seed.
 */
export function longestTrainingSequence(tokenizer: Tokenizer, books: PhaseBooks[], maxTokens = TRAINING_MAX_TOKENS): TrainingLength | null {
  let best: TrainingLength | null = null;
  const seen = new Map<string, number>();
  const length = (format: 'bare' | 'question', variant: 'standard' | 'reversed', entries: number, lookups: number) => {
    const key = `${format}:${variant}:${entries}:${lookups}`;
    let n = seen.get(key);
    if (n === undefined) {
      const p = makePhonebook({ format, variant, entries, shots: lookups }, 0);
      n = tokenizer.encode(p.text + p.completion).ids.length;
      seen.set(key, n);
    }
    return n;
  };
  for (const phase of books) {
    for (const format of phase.formats) {
      for (const variant of ['standard', 'reversed'] as const) {
        for (let entries = phase.maxEntries; entries >= 2; entries--) {
          const most = Math.max(MIN_LOOKUPS, Math.min(phase.maxLookups, entries - 1));
          for (let lookups = most; lookups >= MIN_LOOKUPS; lookups--) {
            const tokens = length(format, variant, entries, lookups);
            if (tokens > maxTokens) continue;
            if (!best || tokens > best.tokens) best = { entries: 0, tokens, format, variant, lookups };
            break;
          }
        }
      }
    }
  }
  return best && { ...best, entries: Math.max(...books.map((b) => b.maxEntries)) };
}

/** train.json's loss points, phase by phase. */
function lossCurve(train: unknown): ModelEvaluation['loss'] {
  return phases(train).flatMap((run, phase) => (Array.isArray(run.curve) ? run.curve : []).flatMap((p: unknown) => {
    const step = isObj(p) ? num(p.step) : null;
    const loss = isObj(p) ? num(p.loss) : null;
    return step === null || loss === null ? [] : [{ phase, step, loss }];
  }));
}

/** One bundled model's evaluation; `inspect` reads its headers and config (the service's engine). */
export async function readEvaluation(root: FileSource, entry: CatalogEntry, inspect: (src: FileSource) => Promise<ModelInfo>): Promise<ModelEvaluation> {
  const src = subSource(root, entry.id, `${root.name}/${entry.id}`);
  const out: ModelEvaluation = { id: entry.id, points: [], loss: [], training: null, blockCache: [], problems: [] };
  const attempt = async (what: () => Promise<void>) => {
    try {
      await what();
    } catch (e) {
      out.problems.push((e as Error).message);
    }
  };
  await attempt(async () => {
    if (await src.has('eval.json')) out.points = referencePoints(await readJson(src, 'eval.json'), `${src.name}/eval.json`);
  });
  await attempt(async () => {
    if (!(await src.has('train.json'))) return;
    const train = await readJson(src, 'train.json');
    out.loss = lossCurve(train);
    const books = phaseBooks(train, `${src.name}/train.json`);
    const tokenizer = loadTokenizer(await readJson(src, 'tokenizer.json'), {}, `${src.name}/tokenizer.json`);
    out.training = longestTrainingSequence(tokenizer, books);
  });
  if (entry.weights !== false) await attempt(async () => { out.blockCache = (await inspect(src)).blockCache; });
  return out;
}
