// Malformed input never escapes as anything but a one-line CheckpointError (no RangeError, no hang).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors';
import { tinyCheckpoint, TINY_CONFIGS } from '../test/tiny';
import { inspectCheckpoint, loadModel } from './checkpoint';
import { memorySource } from './files';

describe('malformed checkpoints', async () => {
  const good = await tinyCheckpoint('nemotron_h').read('model.safetensors');
  const config = JSON.stringify(TINY_CONFIGS.nemotron_h);

  const outcome = async (files: Record<string, Uint8Array | string>) => {
    try {
      await loadModel(memorySource('fz', files));
      return 'ok';
    } catch (e) {
      if (!(e instanceof CheckpointError) || e.message.includes('\n')) throw e;
      return 'error';
    }
  };

  it('any corruption of the safetensors header or a truncation is reported, not thrown raw', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(600), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.option(fc.nat(good.length)),
      async (edits, cut) => {
        const bytes = good.slice(0, cut ?? good.length);
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        expect(['ok', 'error']).toContain(await outcome({ 'config.json': config, 'model.safetensors': bytes }));
      },
    ), { numRuns: 150 });
  });

  it('any value in any config key is accepted or refused with a message', async () => {
    const keys = Object.keys(TINY_CONFIGS.nemotron_h);
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...keys), fc.oneof(fc.integer({ min: -5, max: 1e9 }), fc.double(), fc.string(), fc.constant(null), fc.boolean(), fc.array(fc.nat(3))),
      async (key, value) => {
        const cfg = JSON.stringify({ ...TINY_CONFIGS.nemotron_h, [key]: value });
        expect(['ok', 'error']).toContain(await outcome({ 'config.json': cfg, 'model.safetensors': good }));
      },
    ), { numRuns: 200 });
  });

  it('inspect refuses a truncated file before reading tensors', async () => {
    await expect(inspectCheckpoint(memorySource('fz', { 'config.json': config, 'model.safetensors': good.slice(0, good.length - 4) })))
      .rejects.toThrow(/past the data section|past the end/);
  });
});
