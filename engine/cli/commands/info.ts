// `hybridscope info <model-dir|trace> [--json]`: a model folder from its headers (layout, kinds,
// parameter count, vocab), or a trace file (known by its magic) from its header, section heads and
// summary, without reading its arrays.
import { stat } from 'node:fs/promises';
import { openTrace } from '../../trace/read';
import { isTrace } from '../../trace/format';
import type { CliIO, Command } from '../command';
import { nodeFileSource } from '../node-files';
import { inspectFolder } from '../open';

async function describeTrace(path: string, json: boolean, io: CliIO): Promise<void> {
  const { src, file } = await nodeFileSource(path);
  const t = await openTrace(src, file);
  const end = await t.finish();
  const s = end.summary;
  const fields = {
    trace_version: t.version, record_version: t.recordVersion, producer: t.header.producer,
    model: t.header.model.name, model_type: t.header.model.model_type, layout: t.header.layout,
    prompt_tokens: t.header.prompt.ids.length, records: end.layers, blocks: t.header.blocks.length,
    status: s.status, answer: s.generatedText, expected: s.expected ?? null, exact: s.exact ?? null,
    digit_accuracy: s.digitAccuracy ?? null, records_digest: s.recordsDigest, bytes: t.size,
  };
  if (json) {
    io.stdout(JSON.stringify(fields) + '\n');
    return;
  }
  const score = s.expected === undefined ? '' : ` (expected ${JSON.stringify(s.expected)}: ${s.exact ? 'exact' : `${Math.round(100 * (s.digitAccuracy ?? 0))} % of digits`})`;
  io.stdout(
    `${path}: trace of ${fields.model} (${fields.model_type}), layout ${fields.layout}, ${fields.prompt_tokens} prompt tokens, ` +
      `${end.layers} of ${fields.blocks} layer records, ${s.status}, answer ${JSON.stringify(s.generatedText.trim())}${score}\n`,
  );
}

/** Whether the path is a file that starts like a trace (a folder is a model). */
async function traceFile(path: string): Promise<boolean> {
  if (!(await stat(path).then((i) => i.isFile(), () => false))) return false;
  const { src, file } = await nodeFileSource(path);
  return isTrace(await src.readRange!(file, 0, 8));
}

export const info: Command = {
  name: 'info',
  summary: 'describe a model folder from its headers (layout, block kinds, parameters, vocabulary) or a trace file (prompt, records, answer, score)',
  args: ['model-dir|trace'],
  flags: {
    json: { type: 'boolean', help: 'print {"model_type", "layout", "layers", "parameters", "vocab_size"} (a trace: its model, layout, prompt_tokens, records, answer, score) instead of a sentence' },
  },
  examples: ['hybridscope info assets/models/hybrid --json'],
  async run({ positionals, values }, io) {
    if (await traceFile(positionals[0])) {
      await describeTrace(positionals[0], values.json === true, io);
      return 0;
    }
    const m = await inspectFolder(positionals[0], io);
    if (values.json) {
      io.stdout(JSON.stringify({ model_type: m.model_type, layout: m.layout, layers: m.layers, parameters: m.parameters, vocab_size: m.vocab_size }) + '\n');
    } else {
      io.stdout(`${positionals[0]}: ${m.model_type}, layout ${m.layout} (${m.layers.length} blocks), ${m.parameters.toLocaleString('en-US')} parameters, vocab ${m.vocab_size}\n`);
    }
    return 0;
  },
};
