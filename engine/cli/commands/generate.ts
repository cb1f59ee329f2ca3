// `hybridscope generate <model-dir> --ids <ids.json> --max-new-tokens N [--json] [--layout S]`:
// greedy decoding with caches; --json prints {"ids": [...]} with the prompt included.
import { generateGreedy } from '../../generate';
import { editLayout } from '../../layout';
import type { Command } from '../command';
import { UsageError } from '../command';
import { readIds } from '../ids';
import { loadFolder } from '../open';

export const generateCommand: Command = {
  name: 'generate',
  usage: 'generate <model-dir> --ids <ids.json> --max-new-tokens N [--json] [--layout S]',
  options: { ids: { type: 'string' }, 'max-new-tokens': { type: 'string' }, json: { type: 'boolean' }, layout: { type: 'string' } },
  async run({ positionals, values }, io) {
    const n = Number(values['max-new-tokens']);
    if (positionals.length !== 1 || typeof values.ids !== 'string') throw new UsageError(`usage: hybridscope ${this.usage}`);
    if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-new-tokens must be a non-negative integer');
    let model = await loadFolder(positionals[0], io);
    if (typeof values.layout === 'string') model = editLayout(model, values.layout);
    const ids = await readIds(values.ids, model.embeddings.V);
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
