// `hybridscope phonebook <model-dir> [--layout S] --entries 10,40,100 [--variant standard|reversed]
//  [--format bare|question] [--depth PCT] --samples K --seed S [--json | --csv]`:
// a recall sweep over book lengths with the model's own tokenizer; a progress bar on stderr;
// --out also writes every sample (prompt seed, target, answer, generated text, log-probs) as JSON.
// Ctrl-C stops after the current sample and prints the partial results ("cancelled": true, exit 130);
// a second Ctrl-C quits at once.
import { greedyDecoder } from '../../generate';
import { editLayout } from '../../layout';
import { cliReport, parseNameList, runSweep, sweepToCsv, type NameList, type SweepLength, type SweepProgress } from '../../phonebook';
import { FORMATS, VARIANTS, type PhonebookFormat, type PhonebookVariant } from '../../phonebook/templates';
import type { CliIO, Command } from '../command';
import { UsageError } from '../command';
import { checkOutFile, readJsonFile, writeOutFile } from '../node-files';
import { loadFolder } from '../open';

const USAGE =
  'phonebook <model-dir> [--layout S] (--entries 10,40,100 | --tokens 1000,4000) [--variant standard|reversed] ' +
  '[--format bare|question] [--depth PCT[,PCT…]] [--shots N] --samples K --seed S [--names names.json] [--out all.json] [--json | --csv]';

function positiveList(flag: string, value: unknown): number[] {
  const items = String(value).split(',').map((s) => Number(s.trim()));
  if (!items.length || items.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${flag} must be positive integers separated by commas, got "${value}"`);
  return items;
}

function integer(flag: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function choice<T extends string>(flag: string, value: unknown, options: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!options.includes(value as T)) throw new UsageError(`--${flag} must be ${options.join(' or ')}, got "${value}"`);
  return value as T;
}

/** --depth in percent (0–100, "%" allowed; a comma list sweeps depths) to the generator's
 * fractions 0–1; absent: a random target per sample. */
function depthFractions(value: unknown): (number | null)[] {
  if (value === undefined) return [null];
  return String(value)
    .split(',')
    .map((item) => {
      const pct = Number(item.trim().replace(/%$/, ''));
      if (!item.trim() || !Number.isFinite(pct) || pct < 0 || pct > 100) throw new UsageError(`--depth must be percentages 0–100, got "${value}"`);
      return pct / 100;
    });
}

async function readNames(file: string): Promise<NameList> {
  const json = await readJsonFile(file, 'a names list');
  try {
    return parseNameList(json);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `[#####.....] 12/60  20%  ETA 0:35`, redrawn in place; throttled to one draw per 100 ms. Other
 * stderr lines go through `note`, so they start on a line of their own. */
function progressBar(io: CliIO): { update(p: SweepProgress): void; note(line: string): void; end(): void } {
  let last = -Infinity;
  let open = false; // the bar's line is on screen without its newline
  const end = () => {
    if (open) io.stderr('\n');
    open = false;
  };
  return {
    update(p) {
      if (p.done < p.total && p.elapsedMs - last < 100) return;
      last = p.elapsedMs;
      const width = 30;
      const filled = Math.round((p.done / p.total) * width);
      const length = p.point.entries !== null ? `${p.point.entries} entries` : `${p.point.tokens} tokens`;
      io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${String(Math.floor((100 * p.done) / p.total)).padStart(3)}%  ETA ${clock(p.etaMs)}  (${length})`);
      open = true;
    },
    note(line) {
      end();
      io.stderr(`${line}\n`);
    },
    end,
  };
}

function table(report: ReturnType<typeof cliReport>): string {
  const pct = (x: number | null) => (x === null ? '-' : (100 * x).toFixed(1));
  const rows = report.results.map((r) =>
    [r.tokens ?? '', r.entries, r.mean_tokens.toFixed(0), r.samples, pct(r.accuracy), pct(r.digit_accuracy), pct(r.wrong_other_entry), pct(r.wrong_same_name)].join('\t'),
  );
  const head = `${report.model} ${report.layout} ${report.format}/${report.variant} seed ${report.seed}${report.cancelled ? ' (cancelled)' : ''}`;
  return [head, 'budget\tentries\ttokens\tsamples\texact %\tdigits %\twrong: other entry %\twrong: same name %', ...rows].join('\n') + '\n';
}

export const phonebookCommand: Command = {
  name: 'phonebook',
  usage: USAGE,
  options: {
    layout: { type: 'string' },
    entries: { type: 'string' },
    tokens: { type: 'string' },
    variant: { type: 'string' },
    format: { type: 'string' },
    depth: { type: 'string' },
    shots: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    names: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError(`usage: hybridscope ${USAGE}`);
    if ((values.entries === undefined) === (values.tokens === undefined)) throw new UsageError('phonebook: give --entries or --tokens (one of them)');
    if (values.json && values.csv) throw new UsageError('phonebook: --json and --csv are exclusive');
    const lengths: SweepLength[] =
      values.entries !== undefined ? positiveList('entries', values.entries).map((entries) => ({ entries })) : positiveList('tokens', values.tokens).map((tokens) => ({ tokens }));
    const format = choice<PhonebookFormat>('format', values.format, FORMATS, 'question');
    const variant = choice<PhonebookVariant>('variant', values.variant, VARIANTS, 'standard');
    const depths = depthFractions(values.depth);
    const samples = integer('samples', values.samples, 20, 1);
    const seed = integer('seed', values.seed, 0, 0);
    const shots = integer('shots', values.shots, 2, 0);
    const names = typeof values.names === 'string' ? await readNames(values.names) : undefined;
    if (typeof values.out === 'string') await checkOutFile(values.out);

    const dir = positionals[0];
    let model = await loadFolder(dir, io);
    if (typeof values.layout === 'string') model = editLayout(model, values.layout);
    const tokenizer = model.tokenizer;
    if (!tokenizer) throw new Error(`${dir}/tokenizer.json: missing (the phonebook is tokenized with the model's own tokenizer)`);
    const decode = greedyDecoder(model);

    const bar = progressBar(io);
    const signal = { aborted: false };
    const onInterrupt = () => {
      // the first Ctrl-C ends the sweep after the current sample; a second one quits at once
      if (signal.aborted) process.exit(130);
      signal.aborted = true;
      bar.note('hybridscope: phonebook: stopping after this sample (Ctrl-C again to quit now)');
    };
    process.on('SIGINT', onInterrupt);
    let result;
    try {
      result = await runSweep(
        { models: [{ id: dir, layout: model.layout, tokenizer, decode }], lengths, formats: [format], variants: [variant], depths, samples, seed, shots, names },
        { signal, onProgress: (p) => bar.update(p), pause: () => new Promise((resolve) => setImmediate(resolve)) },
      );
    } finally {
      process.off('SIGINT', onInterrupt);
      bar.end();
    }
    const report = cliReport(result, { model: dir, layout: model.layout, variant, format, depth: depths.length === 1 ? depths[0] : null });
    if (typeof values.out === 'string') await writeOutFile(values.out, JSON.stringify(result) + '\n');
    if (values.json) io.stdout(JSON.stringify(report) + '\n');
    else if (values.csv) io.stdout(sweepToCsv(result));
    else io.stdout(table(report));
    if (result.cancelled) io.stderr(`hybridscope: phonebook: cancelled after ${result.done} of ${result.total} samples\n`);
    return result.cancelled ? 130 : 0;
  },
};
