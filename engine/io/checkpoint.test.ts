import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeFolderSource } from '../cli/node-files';
import { CheckpointError } from '../errors';
import { tinyCheckpoint, tinyTensors, TINY_CONFIGS } from '../test/tiny';
import { numel } from '../tensor';
import { forward } from '../forward';
import { blockCacheBytes, type LayerState } from '../layers/state';
import { inspectCheckpoint, loadModel } from './checkpoint';
import { SUPPORTED_MODEL_TYPES } from '../models/registry';
import { memorySource } from './files';
import { writeSafetensors } from './safetensors-write';

describe('inspectCheckpoint', () => {
  it('reports layout, kinds, parameter count and vocab of a nemotron_h checkpoint from headers', async () => {
    const src = tinyCheckpoint('nemotron_h');
    const info = await inspectCheckpoint(src);
    expect(info.model_type).toBe('nemotron_h');
    expect(info.layout).toBe('M-M*-M');
    expect(info.layers.map((l) => l.kind)).toEqual(['mamba2', 'mlp', 'mamba2', 'attention', 'mlp', 'mamba2']);
    const expected = Object.values(tinyTensors(TINY_CONFIGS.nemotron_h)).reduce((s, t) => s + numel(t.shape), 0);
    expect(info.parameters).toBe(expected);
    expect(info.vocab_size).toBe(37);
  });

  it('knows each block\'s cache from config.json alone, as big as the engine\'s caches are after a forward (every family, tiny and fixture, and the bundled models)', async () => {
    const bundled = new URL('../../assets/models/', import.meta.url);
    const fixtures = new URL('../test/fixtures/', import.meta.url);
    const folders = (root: URL) => readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => nodeFolderSource(new URL(`${d.name}/`, root).pathname));
    const sources = [...Object.keys(TINY_CONFIGS).map((t) => tinyCheckpoint(t)), ...folders(fixtures), ...folders(bundled)];
    const families = new Set<string>();
    for (const src of sources) {
      const info = await inspectCheckpoint(src);
      families.add(info.model_type);
      const model = await loadModel(src);
      expect(info.blockCache, src.name).toEqual(model.original.map(blockCacheBytes));
      expect(info.blockCache.some((c) => c.state > 0 || c.kvPerToken > 0), src.name).toBe(true);
      // the caches a forward of T tokens leaves behind, counted as floats of 4 bytes
      const T = 11;
      const { state } = forward(model, Array.from({ length: T }, (_, t) => (7 * t + 3) % info.vocab_size));
      const held = (s: LayerState): { state: number; kvPerToken: number } => {
        switch (s.kind) {
          case 'mamba2':
          case 'mamba1':
            return { state: 4 * (s.conv.length + s.ssm.length), kvPerToken: 0 };
          case 'attention':
            expect(s.length).toBe(T);
            return { state: 0, kvPerToken: 4 * 2 * (s.k.length / s.capacity) };
          case 'compound': {
            const [a, m] = [held(s.attention), held(s.mamba)];
            return { state: m.state, kvPerToken: a.kvPerToken };
          }
          case 'mlp':
            return { state: 0, kvPerToken: 0 };
        }
      };
      expect(state.layers.map(held), src.name).toEqual(info.blockCache);
    }
    expect([...families].sort()).toEqual([...SUPPORTED_MODEL_TYPES].sort());
  });

  it.each([['mamba2', 'MM'], ['mamba', 'mm'], ['llama', '*-*-'], ['falcon_mamba', 'mm'], ['granitemoehybrid', 'ME*EME'],
    ['bamba', 'M-*-'], ['falcon_h1', 'P-P-'], ['zamba2', 'SMSMS'], ['jamba', 'mE*-mE*-']])('maps %s to layout %s', async (type, layout) => {
    expect((await inspectCheckpoint(tinyCheckpoint(type))).layout).toBe(layout);
  });

  it('describes every family fixture with the layout transformers\' own structure gave it, and zamba2\'s shared blocks', async () => {
    const root = new URL('../test/fixtures/', import.meta.url);
    for (const d of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const dir = new URL(`${d.name}/`, root).pathname;
      const { layout } = JSON.parse(readFileSync(`${dir}case.json`, 'utf8')) as { layout: string };
      expect((await inspectCheckpoint(nodeFolderSource(dir))).layout, d.name).toBe(layout);
    }
    const tied = await inspectCheckpoint(tinyCheckpoint('zamba2')); // SMSMS, two shared blocks, tied
    expect(tied.layers.map((l) => l.shared)).toEqual([0, undefined, 1, undefined, 0]);
    const untied = await inspectCheckpoint(tinyCheckpoint('zamba2', { config: { tie_word_embeddings: false } }));
    expect(untied.layers.map((l) => l.shared)).toEqual([0, undefined, 1, undefined, 2]); // transformers ties nothing then
  });

  it('accepts layers_block_type lists of either naming generation', async () => {
    for (const list of [['mamba', 'attention', 'mlp'], ['linear_attention', 'full_attention', 'mlp']]) {
      const src = tinyCheckpoint('nemotron_h', { config: { hybrid_override_pattern: undefined, layers_block_type: list } });
      expect((await inspectCheckpoint(src)).layout).toBe('M*-');
    }
  });

  it('reads sharded checkpoints through model.safetensors.index.json', async () => {
    const tensors = tinyTensors(TINY_CONFIGS.mamba);
    const names = Object.keys(tensors);
    const half = Math.floor(names.length / 2);
    const shard = (ns: string[]) => writeSafetensors(Object.fromEntries(ns.map((n) => [n, tensors[n]])));
    const weightMap = Object.fromEntries(names.map((n, i) => [n, i < half ? 'a.safetensors' : 'b.safetensors']));
    const src = memorySource('sharded', {
      'config.json': JSON.stringify(TINY_CONFIGS.mamba),
      'model.safetensors.index.json': JSON.stringify({ weight_map: weightMap }),
      'a.safetensors': shard(names.slice(0, half)),
      'b.safetensors': shard(names.slice(half)),
    });
    const model = await loadModel(src);
    expect(model.layout).toBe('mm');
    expect(model.tied).toBe(true);
  });

  it('names the file and the problem on bad input', async () => {
    const cases: [Record<string, Uint8Array | string>, RegExp][] = [
      [{}, /bad\/config\.json: missing/],
      [{ 'config.json': '{"model_type": 3' }, /config\.json: not valid JSON/],
      [{ 'config.json': '{"model_type": "gpt9"}' }, /model_type "gpt9" is not supported/],
      [{ 'config.json': JSON.stringify(TINY_CONFIGS.mamba) }, /model\.safetensors: missing/],
      [{ 'config.json': JSON.stringify(TINY_CONFIGS.mamba), 'model.safetensors': new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0, 1]) }, /header length .* exceeds/],
      [{ 'config.json': JSON.stringify({ ...TINY_CONFIGS.mamba, hidden_size: 1_000_000, vocab_size: 1_000_000 }) }, /needs about .* TB of float32 weights/],
      [{ 'config.json': JSON.stringify({ ...TINY_CONFIGS.mamba, hidden_size: 'big' }) }, /hidden_size must be an integer/],
    ];
    for (const [files, message] of cases) {
      const err = await inspectCheckpoint(memorySource('bad', files)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('refuses a tensor whose shape disagrees with config.json', async () => {
    const tensors = tinyTensors(TINY_CONFIGS.llama);
    tensors['model.norm.weight'] = { dtype: 'f32', shape: [15], data: new Float32Array(15) };
    const src = memorySource('m', { 'config.json': JSON.stringify(TINY_CONFIGS.llama), 'model.safetensors': writeSafetensors(tensors) });
    await expect(inspectCheckpoint(src)).rejects.toThrow(/m\/model\.safetensors: tensor "model\.norm\.weight" has shape \[15\], config\.json implies \[16\]/);
  });

  it('takes dt limits from the config: mamba2 time_step_limit, nemotron_h [time_step_min, ∞)', async () => {
    const m2 = await loadModel(tinyCheckpoint('mamba2', { config: { time_step_limit: [0.01, 0.2] } }));
    const nh = await loadModel(tinyCheckpoint('nemotron_h', { config: { time_step_min: 0.02, time_step_limit: [0.0, 0.1] } }));
    const mixer = (b: (typeof m2.blocks)[number]) => (b.kind === 'mamba2' ? b.mixer : undefined);
    expect([mixer(m2.blocks[0])!.dtMin, mixer(m2.blocks[0])!.dtMax]).toEqual([0.01, 0.2]);
    expect([mixer(nh.blocks[0])!.dtMin, mixer(nh.blocks[0])!.dtMax]).toEqual([0.02, Infinity]);
    // nemotron_h normalises per group of d_inner / n_groups; mamba2 over the whole d_inner
    expect(mixer(nh.blocks[0])!.norm.groupSize).toBe(12);
    expect(mixer(m2.blocks[0])!.norm.groupSize).toBe(32);
  });

  it('refuses block types the engine does not run', async () => {
    const src = tinyCheckpoint('nemotron_h');
    const bad = memorySource('moe', { 'config.json': JSON.stringify({ ...TINY_CONFIGS.nemotron_h, hybrid_override_pattern: undefined, layers_block_type: ['mamba', 'moe'] }), 'model.safetensors': await src.read('model.safetensors') });
    await expect(inspectCheckpoint(bad)).rejects.toThrow(/moe\/config\.json: layers_block_type contains "moe"/);
  });
});

describe('tensors config.json does not use', () => {
  // The weights of the whole tiny hybrid (M-M*-M) under a config that names one layer fewer.
  const shorter = { ...TINY_CONFIGS.nemotron_h, hybrid_override_pattern: 'M-M*-' };
  const all = tinyTensors(TINY_CONFIGS.nemotron_h);
  const extra = Object.keys(all).filter((n) => !Object.hasOwn(tinyTensors(shorter), n));
  const src = memorySource('tall', { 'config.json': JSON.stringify(shorter), 'model.safetensors': writeSafetensors(all) });

  it('loads a config naming fewer layers than its weights, with a warning that counts and names them', async () => {
    expect(extra.length).toBeGreaterThan(3);
    expect(extra.every((n) => n.startsWith('model.layers.5.'))).toBe(true);
    const info = await inspectCheckpoint(src);
    expect(info.layout).toBe('M-M*-');
    expect(info.parameters).toBe((await inspectCheckpoint(tinyCheckpoint('nemotron_h', { config: shorter }))).parameters);
    expect(info.warnings).toEqual([
      `tall/model.safetensors: ${extra.length} tensors that config.json does not use are ignored: ${extra.slice(0, 3).map((n) => `"${n}"`).join(', ')} and ${extra.length - 3} more`,
    ]);
    const model = await loadModel(src);
    expect(model.blocks).toHaveLength(5);
    expect(model.warnings).toEqual(info.warnings);
  });

  it('names a single stray tensor alone', async () => {
    const one = { ...all, 'model.layers.0.mixer.extra_scale': { dtype: 'f32' as const, shape: [2], data: new Float32Array(2) } };
    const info = await inspectCheckpoint(memorySource('one', { 'config.json': JSON.stringify(TINY_CONFIGS.nemotron_h), 'model.safetensors': writeSafetensors(one) }));
    expect(info.warnings).toEqual(['one/model.safetensors: 1 tensor that config.json does not use is ignored: "model.layers.0.mixer.extra_scale"']);
  });

  it('says nothing for clean checkpoints: every tiny architecture, tied heads saved or not, the fixtures and the bundled models', async () => {
    for (const type of Object.keys(TINY_CONFIGS)) {
      for (const lmHead of [undefined, true]) { // as the config says; saved even where it is tied
        const src = tinyCheckpoint(type, { lmHead });
        expect((await inspectCheckpoint(src)).warnings, `${type} lmHead ${lmHead}`).toEqual([]);
        expect((await loadModel(src)).warnings).toEqual([]);
      }
    }
    // folders written by transformers' save_pretrained (training/) and the models the app ships
    const roots = [new URL('../test/fixtures/', import.meta.url), new URL('../../assets/models/', import.meta.url)];
    const folders = roots.flatMap((root) => readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => new URL(`${d.name}/`, root).pathname));
    expect(folders.length).toBeGreaterThanOrEqual(12);
    for (const dir of folders) expect((await inspectCheckpoint(nodeFolderSource(dir))).warnings, dir).toEqual([]);
  });
});
