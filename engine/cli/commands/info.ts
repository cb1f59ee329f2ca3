// `hybridscope info <model-dir> [--json]`: layout, kinds, parameter count and vocab from headers only.
import type { Command } from '../command';
import { UsageError } from '../command';
import { inspectFolder } from '../open';

export const info: Command = {
  name: 'info',
  usage: 'info <model-dir> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError('usage: hybridscope info <model-dir> [--json]');
    const m = await inspectFolder(positionals[0], io);
    if (values.json) {
      io.stdout(JSON.stringify({ model_type: m.model_type, layout: m.layout, layers: m.layers, parameters: m.parameters, vocab_size: m.vocab_size }) + '\n');
    } else {
      io.stdout(`${positionals[0]}: ${m.model_type}, layout ${m.layout} (${m.layers.length} blocks), ${m.parameters.toLocaleString('en-US')} parameters, vocab ${m.vocab_size}\n`);
    }
    return 0;
  },
};
