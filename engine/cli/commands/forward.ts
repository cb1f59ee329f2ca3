// `hybridscope forward <model-dir> --ids <ids.json> --out <file.safetensors> [--capture hidden,attention,ssm]
//  [--layout S]`: float32 tensors — logits [T, V]; hidden_states.{i} [T, D] (i = 0..L,
// transformers' output_hidden_states convention for the class); attentions.{b} [H, T, T] and
// ssm_states.{b} by block index. `--ids -` reads the ids from stdin; `--out -` writes the
// safetensors bytes to stdout, and then nothing else goes there.
import { forward } from '../../forward';
import { writeSafetensors } from '../../io/safetensors-write';
import { editLayout } from '../../layout';
import type { Tensor } from '../../tensor';
import type { Command } from '../command';
import { UsageError } from '../command';
import { readIds } from '../ids';
import { checkOutFile, writeOutFile } from '../node-files';
import { loadFolder } from '../open';
import { SHARED_FLAGS } from '../flags';

const GROUPS = ['hidden', 'attention', 'ssm'];

export const forwardCommand: Command = {
  name: 'forward',
  summary: 'run one forward pass and write logits, hidden states, attentions and SSM states as safetensors',
  args: ['model-dir'],
  flags: {
    ids: { type: 'string', value: 'ids.json', required: true, help: 'the prompt: a JSON array of token ids; - reads it from stdin' },
    out: { type: 'string', value: 'file.safetensors', required: true, help: 'where to write the float32 tensors; - writes them to stdout' },
    capture: { type: 'string', value: 'groups', default: GROUPS.join(','), help: 'which tensors besides the logits: any of hidden, attention, ssm' },
    layout: SHARED_FLAGS.layout,
  },
  examples: ["echo '[1, 5, 2, 7]' | hybridscope forward assets/models/hybrid --ids - --out logits.safetensors --capture hidden"],
  async run({ positionals, values }, io) {
    const out = String(values.out);
    const groups = String(values.capture).split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = groups.find((g) => !GROUPS.includes(g));
    if (unknown) throw new UsageError(`--capture: unknown group "${unknown}" (use ${GROUPS.join(',')})`);
    if (out !== '-') await checkOutFile(out);
    let model = await loadFolder(positionals[0], io);
    if (typeof values.layout === 'string') model = editLayout(model, values.layout);
    const ids = await readIds(String(values.ids), io, model.embeddings.V);
    const r = forward(model, ids, { defaults: false, keepContext: false }, {
      outputs: { hidden: groups.includes('hidden'), attentions: groups.includes('attention'), ssmStates: groups.includes('ssm') },
    });
    const tensors: Record<string, Tensor> = { logits: r.logits };
    r.hiddenStates?.forEach((h, i) => (tensors[`hidden_states.${i}`] = h));
    for (const [b, t] of Object.entries(r.attentions ?? {})) tensors[`attentions.${b}`] = t;
    for (const [b, t] of Object.entries(r.ssmStates ?? {})) tensors[`ssm_states.${b}`] = t;
    const bytes = writeSafetensors(tensors, { format: 'pt', producer: 'hybridscope', layout: model.layout });
    if (out === '-') io.stdout(bytes);
    else await writeOutFile(out, bytes);
    io.stderr(`wrote ${Object.keys(tensors).length} tensors to ${out === '-' ? 'stdout' : out}\n`);
    return 0;
  },
};
