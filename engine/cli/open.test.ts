// The CLI's warnings for a checkpoint that loads but holds tensors config.json does not use: on
// stderr as `hybridscope: warning: …`, the command's own output on stdout unchanged.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../io/safetensors-write';
import { tinyCheckpoint, tinyTensors, TINY_CONFIGS } from '../test/tiny';
import { main } from './main';

async function run(argv: string[]) {
  let stdout = '', stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, undefined, { fastKernels: false });
  return { code, stdout, stderr };
}

describe('CLI warnings', () => {
  let tall: string, clean: string, ids: string;
  beforeAll(async () => {
    // llama weights for 2 layers under a config that names 1
    tall = await mkdtemp(join(tmpdir(), 'hs-tall-'));
    await writeFile(join(tall, 'config.json'), JSON.stringify({ ...TINY_CONFIGS.llama, num_hidden_layers: 1 }));
    await writeFile(join(tall, 'model.safetensors'), writeSafetensors(tinyTensors(TINY_CONFIGS.llama)));
    clean = await mkdtemp(join(tmpdir(), 'hs-clean-'));
    const src = tinyCheckpoint('llama');
    for (const f of ['config.json', 'model.safetensors']) await writeFile(join(clean, f), await src.read(f));
    ids = join(clean, 'ids.json');
    await writeFile(ids, '[1, 2, 3]');
  });
  afterAll(() => Promise.all([tall, clean].map((d) => rm(d, { recursive: true, force: true }))));

  it('info and generate say how many tensors were ignored and name a few, on stderr', async () => {
    const warning = new RegExp(`^hybridscope: warning: ${tall}/model\\.safetensors: 16 tensors that config\\.json does not use are ignored: "model\\.layers\\.1\\.[^"]+", "model\\.layers\\.1\\.[^"]+", "model\\.layers\\.1\\.[^"]+" and 13 more\\n$`);
    const info = await run(['info', tall, '--json']);
    expect(info.code).toBe(0);
    expect(info.stderr).toMatch(warning);
    expect(JSON.parse(info.stdout).layout).toBe('*-');
    const gen = await run(['generate', tall, '--ids', ids, '--max-new-tokens', '2', '--json']);
    expect(gen.code).toBe(0);
    expect(gen.stderr).toMatch(warning);
    expect(JSON.parse(gen.stdout).ids).toHaveLength(5);
  });

  it('says nothing for a clean checkpoint', async () => {
    for (const argv of [['info', clean], ['generate', clean, '--ids', ids, '--max-new-tokens', '2', '--json']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });
});
