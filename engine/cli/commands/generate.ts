// `hybridscope generate <model-dir> --ids <ids.json> --max-new-tokens N [--json] [--layout S]`:
// greedy decoding with caches; --json prints {"ids": [...]} with the prompt included.
import { generateGreedy } from '../../generate';
import { editLayout } from '../../layout';
import type { Command } from '../command';
import { UsageError } from '../command';
import { readIds } from '../ids';
import { loadFolder } from '../open';
import { SHARED_FLAGS } from '../flags';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'continue a prompt greedily (with caches) and print the new text or every id',
  args: ['model-dir'],
  flags: {
    ids: { type: 'string', value: 'ids.json', required: true, help: 'the prompt: a JSON array of token ids; - reads it from stdin' },
    'max-new-tokens': { type: 'string', value: 'N', required: true, help: 'how many tokens to generate (0 or more)' },
    json: { type: 'boolean', help: 'print {"ids": [...]}, the prompt included, instead of the decoded new text' },
    layout: SHARED_FLAGS.layout,
  },
  examples: ['hybridscope generate engine/test/fixtures/llama --ids engine/test/fixtures/llama/input_ids.json --max-new-tokens 8 --json'],
  async run({ positionals, values }, io) {
    const n = Number(values['max-new-tokens']);
    if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-new-tokens must be a non-negative integer');
    let model = await loadFolder(positionals[0], io);
    if (typeof values.layout === 'string') model = editLayout(model, values.layout);
    const ids = await readIds(String(values.ids), io, model.embeddings.V);
    const r = n === 0 ? { ids, tokens: [], msPerToken: 0 } : generateGreedy(model, ids, n);
    if (values.json) {
      io.stdout(JSON.stringify({ ids: r.ids }) + '\n');
    } else {
      const text = model.tokenizer ? model.tokenizer.decode(r.ids.slice(ids.length)) : r.ids.slice(ids.length).join(' ');
      io.stdout(`${text}\n`);
    }
    return 0;
  },
};
