// `hybridscope info <model-dir> [--json]`: layout, kinds, parameter count and vocab from headers only.
import type { Command } from '../command';
import { inspectFolder } from '../open';

export const info: Command = {
  name: 'info',
  summary: 'describe a model folder from its headers: layout, block kinds, parameters, vocabulary',
  args: ['model-dir'],
  flags: {
    json: { type: 'boolean', help: 'print {"model_type", "layout", "layers", "parameters", "vocab_size"} instead of a sentence' },
  },
  examples: ['hybridscope info assets/models/hybrid --json'],
  async run({ positionals, values }, io) {
    const m = await inspectFolder(positionals[0], io);
    if (values.json) {
      io.stdout(JSON.stringify({ model_type: m.model_type, layout: m.layout, layers: m.layers, parameters: m.parameters, vocab_size: m.vocab_size }) + '\n');
    } else {
      io.stdout(`${positionals[0]}: ${m.model_type}, layout ${m.layout} (${m.layers.length} blocks), ${m.parameters.toLocaleString('en-US')} parameters, vocab ${m.vocab_size}\n`);
    }
    return 0;
  },
};
