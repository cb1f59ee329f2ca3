// `hybridscope phonebook <model-dir> [--layout S] --entries 10,40,100 [--variant standard|reversed]
//  [--format bare|question] [--depth PCT] --samples K --seed S [--json | --csv]`:
// a recall sweep over book lengths with the model's own tokenizer; progress on stderr (progress.ts);
// --out also writes every sample (prompt seed, target, answer, generated text, log-probs) as JSON
// (`--out -`: to stdout, in place of the summary, which then goes to stderr).
// Ctrl-C stops after the current sample and prints the partial results ("cancelled": true, exit 130);
// a second Ctrl-C quits at once.
import { greedyDecoder } from '../../generate';
import { editLayout } from '../../layout';
import { cliReport, parseNameList, runSweep, sweepToCsv, type NameList, type SweepLength } from '../../phonebook';
import { FORMATS, VARIANTS, type PhonebookFormat, type PhonebookVariant } from '../../phonebook/templates';
import type { CliIO, Command } from '../command';
import { UsageError } from '../command';
import { choice, integer, positiveList, SHARED_FLAGS } from '../flags';
import { inputName, readJsonInput } from '../input';
import { checkOutFile, writeOutFile } from '../node-files';
import { loadFolder } from '../open';
import { progress } from '../progress';

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

async function readNames(file: string, io: CliIO): Promise<NameList> {
  const json = await readJsonInput(file, io, 'a names list');
  try {
    return parseNameList(json);
  } catch (e) {
    throw new Error(`${inputName(file)}: ${(e as Error).message}`, { cause: e });
  }
}

function table(report: ReturnType<typeof cliReport>): string {
  const pct = (x: number | null) => (x === null ? '-' : (100 * x).toFixed(1));
  const rows = report.results.map((r) =>
    [r.tokens ?? '', r.entries, r.mean_tokens.toFixed(0), r.samples, pct(r.accuracy), pct(r.digit_accuracy), pct(r.wrong_other_entry), pct(r.wrong_same_name)].join('\t'),
  );
  const head = `${report.model} ${report.layout} ${report.format}/${report.variant} seed ${report.seed}${report.cancelled ? ' (cancelled)' : ''}`;
  return [head, 'budget\tentries\ttokens\tsamples\texact %\tdigits %\twrong: other entry %\twrong: same name %', ...rows].join('\n') + '\n';
}

const ONE_LENGTH = 'none; give --entries or --tokens';

export const phonebookCommand: Command = {
  name: 'phonebook',
  summary: 'the phonebook recall sweep: exact and per-digit accuracy over book lengths (the NVIDIA study\'s probe)',
  args: ['model-dir'],
  flags: {
    layout: SHARED_FLAGS.layout,
    entries: { type: 'string', value: 'N[,N…]', absent: ONE_LENGTH, help: 'book lengths in entries' },
    tokens: { type: 'string', value: 'N[,N…]', absent: ONE_LENGTH, help: 'book lengths as token budgets (the model\'s tokenizer)' },
    variant: SHARED_FLAGS.variant,
    format: SHARED_FLAGS.format,
    depth: { type: 'string', value: 'PCT[,PCT…]', absent: 'a random target per sample', help: 'where the asked entry sits, 0–100 %; a list sweeps depths' },
    shots: SHARED_FLAGS.shots,
    samples: { type: 'string', value: 'K', default: '20', help: 'samples per point' },
    seed: { type: 'string', value: 'S', default: '0', help: 'seed of the generator: the same seed, the same books' },
    names: { type: 'string', value: 'names.json', absent: 'the built-in list', help: 'names to draw from: {"first": [...], "last": [...]}; - reads them from stdin' },
    out: { type: 'string', value: 'all.json', absent: 'not written', help: 'also write every sample as JSON; - writes it to stdout and the summary to stderr' },
    json: { type: 'boolean', help: 'print the summary as JSON' },
    csv: { type: 'boolean', help: 'print the summary as CSV' },
    quiet: { type: 'boolean', help: 'no progress on stderr' },
  },
  examples: ['hybridscope phonebook assets/models/hybrid --entries 10,40 --samples 20 --seed 1 --json'],
  async run({ positionals, values }, io) {
    if ((values.entries === undefined) === (values.tokens === undefined)) throw new UsageError('phonebook: give --entries or --tokens (one of them)');
    if (values.json && values.csv) throw new UsageError('phonebook: --json and --csv are exclusive');
    const toStdout = values.out === '-';
    if (toStdout && (values.json || values.csv)) throw new UsageError('phonebook: --out - puts every sample on stdout; drop --json/--csv (the summary goes to stderr)');
    const lengths: SweepLength[] =
      values.entries !== undefined ? positiveList('entries', values.entries).map((entries) => ({ entries })) : positiveList('tokens', values.tokens).map((tokens) => ({ tokens }));
    const format = choice<PhonebookFormat>('format', values.format, FORMATS);
    const variant = choice<PhonebookVariant>('variant', values.variant, VARIANTS);
    const depths = depthFractions(values.depth);
    const samples = integer('samples', values.samples, 1);
    const seed = integer('seed', values.seed, 0);
    const shots = integer('shots', values.shots, 0);
    const names = typeof values.names === 'string' ? await readNames(values.names, io) : undefined;
    if (typeof values.out === 'string' && !toStdout) await checkOutFile(values.out);

    const dir = positionals[0];
    let model = await loadFolder(dir, io);
    if (typeof values.layout === 'string') model = editLayout(model, values.layout);
    const tokenizer = model.tokenizer;
    if (!tokenizer) throw new Error(`${dir}/tokenizer.json: missing (the phonebook is tokenized with the model's own tokenizer)`);
    const decode = greedyDecoder(model);

    const bar = progress(io, { name: 'phonebook', unit: 'samples', quiet: values.quiet === true });
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
        {
          signal,
          onProgress: (p) => bar.update({ ...p, label: p.point.entries !== null ? `${p.point.entries} entries` : `${p.point.tokens} tokens` }),
          pause: () => new Promise((resolve) => setImmediate(resolve)),
        },
      );
    } finally {
      process.off('SIGINT', onInterrupt);
      bar.end();
    }
    const report = cliReport(result, { model: dir, layout: model.layout, variant, format, depth: depths.length === 1 ? depths[0] : null });
    if (toStdout) io.stdout(JSON.stringify(result) + '\n');
    else if (typeof values.out === 'string') await writeOutFile(values.out, JSON.stringify(result) + '\n');
    if (toStdout) io.stderr(table(report));
    else if (values.json) io.stdout(JSON.stringify(report) + '\n');
    else if (values.csv) io.stdout(sweepToCsv(result));
    else io.stdout(table(report));
    if (result.cancelled) io.stderr(`hybridscope: phonebook: cancelled after ${result.done} of ${result.total} samples\n`);
    return result.cancelled ? 130 : 0;
  },
};
