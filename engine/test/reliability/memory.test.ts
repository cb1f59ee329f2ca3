// Resource limits at the engine: a model or prompt that would not fit is refused before allocation
// with the bytes it needs and the bytes available; absurd configs are refused before any weight is
// read; the capture budget bounds what a run keeps.
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointError, InputError } from '../../errors';
import { forward, forwardSteps } from '../../forward';
import { inspectCheckpoint, loadModel } from '../../io/checkpoint';
import { memorySource, type FileSource } from '../../io/files';
import { estimateRunBytes, setMemoryBudget } from '../../io/memory';
import { recordBytes } from '../../records';
import { numel } from '../../tensor';
import { TINY_CONFIGS, tinyCheckpoint, tinyTensors } from '../tiny';

/** Wraps a source and records reads of whole files and of bytes past a safetensors header. */
function spying(src: FileSource): { src: FileSource; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    src: {
      ...src,
      read: async (file) => { reads.push(file); return src.read(file); },
      readRange: async (file, start, end) => {
        const bytes = await src.read(file);
        const headerEnd = 8 + new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(0, true);
        if (end > headerEnd) reads.push(`${file}[${start},${end})`);
        return src.readRange!(file, start, end);
      },
    },
  };
}

afterEach(() => setMemoryBudget(undefined));

describe('memory limits', () => {
  it('refuses a model that does not fit from its headers, naming needed and available bytes', async () => {
    const { src, reads } = spying(tinyCheckpoint('nemotron_h'));
    const fileBytes = (await src.read('model.safetensors')).length;
    reads.length = 0;
    expect(fileBytes).toBeGreaterThan(4 * 1024);
    const floats = Object.values(tinyTensors(TINY_CONFIGS.nemotron_h)).reduce((n, t) => n + numel(t.shape), 0);
    // float32 weights (4 bytes each), a float32 copy of each small matrix at most, one tensor in flight
    setMemoryBudget(() => 0);
    const needed = Number(/\((\d+) bytes\)/.exec(String(await loadModel(src).catch((e: unknown) => e)))?.[1]);
    expect(needed).toBeGreaterThanOrEqual(4 * floats);
    expect(needed).toBeLessThanOrEqual(2 * 4 * floats + fileBytes);
    setMemoryBudget(() => needed - 1);
    const err = await loadModel(src).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    const message = (err as Error).message;
    console.log(`model refused: ${message}`);
    expect(message).toContain(`(${needed} bytes)`);
    expect(message).toContain(`(${needed - 1} bytes) are available`);
    expect(message).toMatch(/^tiny-nemotron_h\/model\.safetensors: loading this model needs about/);
    expect(message).toMatch(/; capture a trace with PyTorch instead \(python -m hybridscope_capture\) and open it here$/);
    expect(message).not.toContain('\n');
    expect(reads.filter((f) => f.startsWith('model.safetensors'))).toEqual([]);
    setMemoryBudget(() => needed);
    await expect(loadModel(src)).resolves.toBeDefined();
  });

  it('refuses a width of a billion from config.json before reading any weights, with the bytes', async () => {
    for (const [type, key] of [['nemotron_h', 'hidden_size'], ['llama', 'intermediate_size'], ['mamba', 'hidden_size'], ['llama', 'vocab_size']] as const) {
      const valid = tinyCheckpoint(type);
      const absurd = { ...JSON.parse((new TextDecoder().decode(await valid.read('config.json'))).replace(/Infinity/g, '1e308')), [key]: 1e9 };
      const { src, reads } = spying(memorySource('absurd', { 'config.json': JSON.stringify(absurd), 'model.safetensors': await valid.read('model.safetensors') }));
      const err = await inspectCheckpoint(src).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(/config\.json: this config needs about [\d.]+ (GB|TB|PB) of float32 weights \(limit 8\.0 GB\)/);
      expect(reads).toEqual(['config.json']);
    }
  });

  it('refuses a prompt that does not fit before the forward pass allocates, and runs one that does', async () => {
    const model = await loadModel(tinyCheckpoint('nemotron_h'));
    const T = 200_000;
    const needed = estimateRunBytes(model, T, 1 << 20);
    expect(needed).toBeGreaterThan(T * 4 * 3 * model.embeddings.D);
    // Linear in T: doubling the prompt doubles the per-token part.
    expect(estimateRunBytes(model, 2 * T) - estimateRunBytes(model, T)).toBeCloseTo(estimateRunBytes(model, T) - estimateRunBytes(model, 0), -1);
    // The capture budget (default 64 MB) counts in full: it is the bound the run promises to keep.
    setMemoryBudget(() => 256 * 2 ** 20);
    const ids = new Int32Array(T).fill(1);
    const t0 = performance.now();
    let err: unknown;
    try {
      forwardSteps(model, ids, { defaults: true, budgetBytes: 1 << 20 }).next();
    } catch (e) {
      err = e;
    }
    expect(performance.now() - t0).toBeLessThan(200); // refused up front, not after a long prefill
    expect(err).toBeInstanceOf(InputError);
    console.log(`prompt refused: ${(err as Error).message}`);
    expect((err as Error).message).toMatch(/^a prompt of 200000 tokens needs about .* \(\d+ bytes\) of working memory with this model, but only 256 MB \(268435456 bytes\) are available/);
    expect(forward(model, Int32Array.from([1, 2, 3])).logits.data.every(Number.isFinite)).toBe(true);
  });

  it('keeps a run\'s captures within its budget, dropping the rest with notices', async () => {
    const model = await loadModel(tinyCheckpoint('nemotron_h'));
    const ids = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 37);
    for (const budgetBytes of [20_000, 60_000, 400_000]) {
      const steps = forwardSteps(model, ids, { defaults: true, budgetBytes, focus: [100, 299] });
      let held = 0;
      const notices: string[] = [];
      for (let r = steps.next(); !r.done; r = steps.next()) {
        held += recordBytes(r.value);
        notices.push(...(r.value.notices ?? []));
      }
      // The per-token norms are always kept (2 × T floats per block); everything else fits the budget.
      const norms = model.blocks.length * 2 * ids.length * 4;
      expect(held).toBeLessThanOrEqual(Math.max(budgetBytes, norms));
      if (budgetBytes < 60_000) expect(notices.some((n) => /capture budget .* reached/.test(n))).toBe(true);
    }
  });
});
