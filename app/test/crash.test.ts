// The engine host killed mid-run (issue 5, acceptance 3, at the Node level): the run fails with the
// crash message, the host restarts, the client reopens the model, and the next run works.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, EngineError } from '../client';
import { formatLayout } from '../../engine/layout';
import { type EventOf, type RunSpec } from '../protocol';
import { DEFAULT_CAPTURE } from '../../engine/run';
import { supervisedClient } from './supervised-client';
import { TINY_HYBRID, tinyCheckpointFiles } from './tiny-checkpoint';

function modelsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hs-models-'));
  mkdirSync(join(dir, 'tiny'));
  const tokenizer = readFileSync(new URL('../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
  const files = { ...tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268 }), 'tokenizer.json': tokenizer };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, 'tiny', name), data);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ id: 'tiny', name: 'Tiny' }]));
  return dir;
}

// 60 blocks over a long phonebook: long enough to be killed in the middle.
const long: RunSpec = {
  prompt: { kind: 'phonebook', seed: 1, spec: { entries: 300, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 2 } },
  layout: formatLayout(['mamba2', 'mlp', 'mamba2', 'attention', 'mlp'], Array.from({ length: 60 }, (_, i) => i % 5)), capture: DEFAULT_CAPTURE, maxNewTokens: 4, topK: 0,
};

describe('engine host crash', () => {
  it('reports the crash, restarts, reopens the model, and serves the next run', { timeout: 120_000 }, async () => {
    const client = supervisedClient(modelsDir());
    const engine = new Engine(client);
    const statuses: EventOf<'host/status'>[] = [];
    engine.onHostStatus((s) => statuses.push(s));
    try {
      const model = await engine.openModel({ kind: 'bundled', id: 'tiny' });
      let layers = 0;
      const run = engine.run(long, {
        onLayer: () => {
          if (++layers === 3) void client.kill();
        },
      });
      await expect(run.done).rejects.toThrow(EngineError);
      await expect(run.done).rejects.toThrow(/engine stopped/);
      expect(layers).toBeLessThan(60);
      await expect.poll(() => statuses.map((s) => s.status).join(','), { timeout: 60_000 }).toBe('crashed,restarted');
      expect(statuses[1].message).toMatch(/reopened/);
      const after = await engine.run({ ...long, layout: undefined, prompt: { ...long.prompt, spec: { entries: 5, depth: 0, variant: 'standard', format: 'bare', fewShot: 0 } } as RunSpec['prompt'] }).done;
      expect(after.status).toBe('complete');
      expect(after.layout).toBe(model.layout);
      expect(client.restarts).toBe(1);
    } finally {
      engine.dispose();
    }
  });
});
