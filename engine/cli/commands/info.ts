// `hybridscope info <model-dir> [--json]`: layout, kinds, parameter count and vocab from headers only.
import { inspectCheckpoint } from '../../io/checkpoint';
import type { Command } from '../command';
import { UsageError } from '../command';
import { modelFolder } from '../node-files';

export const info: Command = {
  name: 'info',
  usage: 'info <model-dir> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError('usage: hybridscope info <model-dir> [--json]');
    const m = await inspectCheckpoint(await modelFolder(positionals[0]));
    if (values.json) {
      io.stdout(JSON.stringify({ model_type: m.model_type, layout: m.layout, layers: m.layers, parameters: m.parameters, vocab_size: m.vocab_size }) + '\n');
    } else {
      io.stdout(`${positionals[0]}: ${m.model_type}, layout ${m.layout} (${m.layers.length} blocks), ${m.parameters.toLocaleString('en-US')} parameters, vocab ${m.vocab_size}\n`);
    }
    return 0;
  },
};
