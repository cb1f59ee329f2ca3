// Hostile inputs made elsewhere (issue 8, acceptance 4): every file under a corpus folder is fed to
// the reader its name implies, with the same time bound and the same rules as the generated inputs.
//   *.safetensors → the safetensors reader;  a folder with config.json → open + load + a short run;
//   tokenizer*.json → the tokenizer;  *.hybridscope.json / experiment*.json → the experiment reader;
//   *.request.json → the protocol validator;  *.layout.txt → editLayout on a tiny hybrid.
// Point RELIABILITY_CORPUS at the folder; nothing runs without it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CheckpointError, InputError, LayoutError } from '../../../engine/errors';
import { forward } from '../../../engine/forward';
import { inspectCheckpoint, loadModel } from '../../../engine/io/checkpoint';
import { decodeTensor, FLOAT_DTYPES, parseHeader } from '../../../engine/io/safetensors';
import { editLayout } from '../../../engine/layout';
import { loadTokenizer } from '../../../engine/tokenizer';
import { attempt, attemptSync, newStats, type KindStats } from '../../../engine/test/reliability/harness';
import { tinyCheckpoint } from '../../../engine/test/tiny';
import { nodeFolderSource } from '../../../engine/cli/node-files';
import { ExperimentError, parseExperiment } from '../../experiment';
import { ProtocolError, validateRequest } from '../../validate';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(p);
      walk(p, out);
    } else out.push(p);
  }
  return out;
}

export async function corpusCampaign(root: string): Promise<KindStats[]> {
  const stats = newStats(`corpus: ${basename(root)}`);
  const any = (classes: (abstract new (...a: never[]) => Error)[]) => ({ classes, names: (m: string) => m.length > 0 });
  const hybrid = await loadModel(tinyCheckpoint('nemotron_h'));
  for (const path of walk(root)) {
    const name = basename(path);
    const show = () => path;
    if (statSync(path).isDirectory()) {
      if (!readdirSync(path).includes('config.json')) continue;
      await attempt(stats, show, async () => {
        const src = nodeFolderSource(path);
        await inspectCheckpoint(src);
        forward(await loadModel(src), Int32Array.from([0, 1, 2]));
      }, any([CheckpointError, InputError]), 10_000);
    } else if (name.endsWith('.safetensors')) {
      const bytes = new Uint8Array(readFileSync(path));
      attemptSync(stats, show, () => {
        const h = parseHeader(bytes, name);
        for (const e of h.tensors.values()) if (FLOAT_DTYPES.includes(e.dtype)) decodeTensor(h, e, bytes);
      }, any([CheckpointError]), 5000);
    } else if (/^tokenizer.*\.json$/.test(name)) {
      const text = readFileSync(path, 'utf8');
      attemptSync(stats, show, () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { throw new CheckpointError(name, 'not JSON'); }
        loadTokenizer(json, {}, name).encode('Ada Lovelace: 6125550123');
      }, any([CheckpointError]), 5000);
    } else if (name.endsWith('.hybridscope.json') || /^experiment.*\.json$/.test(name)) {
      const text = readFileSync(path, 'utf8');
      attemptSync(stats, show, () => parseExperiment(text, name), any([ExperimentError]));
    } else if (name.endsWith('.request.json')) {
      const text = readFileSync(path, 'utf8');
      attemptSync(stats, show, () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { throw new ProtocolError('message: not JSON'); }
        validateRequest(json);
      }, any([ProtocolError]));
    } else if (name.endsWith('.layout.txt')) {
      const layout = readFileSync(path, 'utf8');
      attemptSync(stats, show, () => editLayout(hybrid, layout), any([LayoutError]));
    }
  }
  return [stats];
}
