// `hybridscope forward <model-dir> --ids <ids.json> --out <file.safetensors> [--capture hidden,attention,ssm]
//  [--layout S]`: float32 tensors — logits [T, V]; hidden_states.{i} [T, D] (i = 0..L,
// transformers' output_hidden_states convention for the class); attentions.{b} [H, T, T] and
// ssm_states.{b} by block index. Without --capture all three groups are written.
import { forward } from '../../forward';
import { writeSafetensors } from '../../io/safetensors-write';
import { editLayout } from '../../layout';
import type { Tensor } from '../../tensor';
import type { Command } from '../command';
import { UsageError } from '../command';
import { readIds } from '../ids';
import { checkOutFile, writeOutFile } from '../node-files';
import { loadFolder } from '../open';

const GROUPS = ['hidden', 'attention', 'ssm'];

export const forwardCommand: Command = {
  name: 'forward',
  usage: 'forward <model-dir> --ids <ids.json> --out <file.safetensors> [--capture hidden,attention,ssm] [--layout S]',
  options: { ids: { type: 'string' }, out: { type: 'string' }, capture: { type: 'string' }, layout: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1 || typeof values.ids !== 'string' || typeof values.out !== 'string') {
      throw new UsageError(`usage: hybridscope ${this.usage}`);
    }
    const groups = typeof values.capture === 'string' ? values.capture.split(',').map((s) => s.trim()).filter(Boolean) : GROUPS;
    const unknown = groups.find((g) => !GROUPS.includes(g));
    if (unknown) throw new UsageError(`--capture: unknown group "${unknown}" (use ${GROUPS.join(',')})`);
    await checkOutFile(values.out);
    let model = await loadFolder(positionals[0], io);
    if (typeof values.layout === 'string') model = editLayout(model, values.layout);
    const ids = await readIds(values.ids, model.embeddings.V);
    const r = forward(model, ids, { defaults: false, keepContext: false }, {
      outputs: { hidden: groups.includes('hidden'), attentions: groups.includes('attention'), ssmStates: groups.includes('ssm') },
    });
    const tensors: Record<string, Tensor> = { logits: r.logits };
    r.hiddenStates?.forEach((h, i) => (tensors[`hidden_states.${i}`] = h));
    for (const [b, t] of Object.entries(r.attentions ?? {})) tensors[`attentions.${b}`] = t;
    for (const [b, t] of Object.entries(r.ssmStates ?? {})) tensors[`ssm_states.${b}`] = t;
    await writeOutFile(values.out, writeSafetensors(tensors, { format: 'pt', producer: 'hybridscope', layout: model.layout }));
    io.stderr(`wrote ${Object.keys(tensors).length} tensors to ${values.out}\n`);
    return 0;
  },
};
