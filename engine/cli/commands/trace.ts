// `hybridscope trace <model-dir> (--entries N | --tokens N | --text "…") [phonebook options] [--layout S]
//  --out FILE`: one run (runModel, every probe at the app's defaults) recorded as a trace file
// (engine/trace/FORMAT.md). The file streams to a temporary file renamed into place at the end, so it
// is written whole or not at all and never held in memory; `--out -` streams the trace to
// stdout as the run goes, and then nothing else goes there.
import { version } from '../../../package.json';
import { FORMATS, VARIANTS, type PhonebookFormat, type PhonebookVariant } from '../../phonebook/templates';
import type { PromptSpec } from '../../prompt';
import { TRACE_BUDGET_BYTES, TRACE_CAPTURE, runModel, type RunSpec } from '../../run';
import { writeRunTrace } from '../../trace/write';
import type { Command } from '../command';
import { UsageError } from '../command';
import { choice, integer, SHARED_FLAGS } from '../flags';
import { checkOutFile, openOutFile } from '../node-files';
import { loadFolder } from '../open';

const ONE_PROMPT = 'none; give --entries, --tokens or --text';

function promptSpec(values: Record<string, string | boolean | undefined>): PromptSpec {
  const given = ['entries', 'tokens', 'text'].filter((f) => values[f] !== undefined);
  if (given.length !== 1) throw new UsageError(`trace: give one of --entries, --tokens or --text${given.length ? ` (got --${given.join(', --')})` : ''}`);
  if (typeof values.text === 'string') return { kind: 'text', text: values.text };
  const depth = Number(String(values.depth).replace(/%$/, ''));
  if (!Number.isFinite(depth) || depth < 0 || depth > 100) throw new UsageError(`--depth must be a percentage 0–100, got "${values.depth}"`);
  return {
    kind: 'phonebook',
    seed: integer('seed', values.seed, 0),
    spec: {
      ...(values.entries !== undefined ? { entries: integer('entries', values.entries, 1) } : { tokenBudget: integer('tokens', values.tokens, 1) }),
      depth: depth / 100,
      variant: choice<PhonebookVariant>('variant', values.variant, VARIANTS),
      format: choice<PhonebookFormat>('format', values.format, FORMATS),
      fewShot: integer('shots', values.shots, 0),
    },
  };
}

export const traceCommand: Command = {
  name: 'trace',
  summary: 'run a prompt with every probe and record the run as a trace file (prompt, layer records, tokens, score)',
  args: ['model-dir'],
  flags: {
    entries: { type: 'string', value: 'N', absent: ONE_PROMPT, help: 'a phonebook of N entries' },
    tokens: { type: 'string', value: 'N', absent: ONE_PROMPT, help: 'a phonebook of about N tokens (the model\'s tokenizer)' },
    text: { type: 'string', value: 'TEXT', absent: ONE_PROMPT, help: 'a free-text prompt instead of a phonebook' },
    variant: SHARED_FLAGS.variant,
    format: SHARED_FLAGS.format,
    depth: { type: 'string', value: 'PCT', default: '50', help: 'where the asked entry sits, 0–100 %' },
    shots: SHARED_FLAGS.shots,
    seed: { type: 'string', value: 'S', default: '0', help: 'seed of the generator: the same seed, the same book' },
    layout: SHARED_FLAGS.layout,
    'max-new-tokens': { type: 'string', value: 'N', default: '32', help: 'most tokens to generate (a phonebook answer ends at its line)' },
    'budget-bytes': { type: 'string', value: 'N', default: String(TRACE_BUDGET_BYTES), help: 'the capture budget in bytes; each probe layer gets a fair share (default 250 MB)' },
    out: { type: 'string', value: 'FILE', required: true, help: 'where to write the trace; - streams it to stdout' },
  },
  examples: ['hybridscope trace assets/models/hybrid --entries 40 --seed 1 --out run.hstrace'],
  async run({ positionals, values }, io) {
    const out = String(values.out);
    const prompt = promptSpec(values);
    const maxNewTokens = integer('max-new-tokens', values['max-new-tokens'], 1);
    if (out !== '-') await checkOutFile(out);
    const dir = positionals[0];
    const model = await loadFolder(dir, io);
    const budgetBytes = integer('budget-bytes', values['budget-bytes'], 0);
    const spec: RunSpec = { prompt, capture: { ...TRACE_CAPTURE, budgetBytes }, maxNewTokens, topK: 5, ...(typeof values.layout === 'string' ? { layout: values.layout } : {}) };
    const run = runModel(model, spec, { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
    // A file streams into a temporary file beside it, renamed into place once the run is complete
    // (fsynced: openOutFile); stdout gets each chunk as it comes.
    const file = out === '-' ? null : await openOutFile(out);
    let bytes = 0;
    const sink = (c: Uint8Array) => {
      bytes += c.length;
      return file ? file.write(c) : io.stdout(c);
    };
    let summary;
    try {
      summary = await writeRunTrace(run, model, spec, sink, { name: dir.replace(/\/+$/, '').split('/').pop() ?? dir, producer: `hybridscope ${version}` });
    } catch (e) {
      await file?.abort();
      throw e;
    }
    await file?.commit();
    const score = summary.exact === undefined ? '' : ` (expected ${JSON.stringify(summary.expected)}: ${summary.exact ? 'exact' : `${Math.round(100 * (summary.digitAccuracy ?? 0))} % of digits`})`;
    io.stderr(`wrote a trace of ${summary.blocks.length} layers, ${summary.promptTokens} prompt tokens, ${bytes} bytes to ${out === '-' ? 'stdout' : out}; answer ${JSON.stringify(summary.generatedText.trim())}${score}\n`);
    return 0;
  },
};

