// Resource limits through the service: a prompt that would not fit is refused with the needed and
// available bytes and the service keeps serving; the capture budget bounds what a run sends; a run's
// memory (the prefill context kept for tiles) is released once a newer run supersedes it.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { memorySource } from '../../../engine/io/files';
import { setMemoryBudget } from '../../../engine/io/memory';
import { Engine, EngineError } from '../../client';
import { realEngine, type EngineApi } from '../../engine-api';
import { type RunSpec } from '../../protocol';
import { DEFAULT_CAPTURE } from '../../../engine/run';
import { nodeHost } from '../../../hosts/node';
import { tinyFiles } from './protocol.campaign';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tokenizer = readFileSync(new URL('../../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
function bundled() {
  const files: Record<string, Uint8Array | string> = { 'manifest.json': JSON.stringify([{ id: 'tiny', name: 'Tiny' }]) };
  for (const [name, data] of Object.entries(tinyFiles(tokenizer))) files[`tiny/${name}`] = data;
  return memorySource('models', files);
}

const phonebook = (entries: number): RunSpec => ({
  prompt: { kind: 'phonebook', seed: 5, spec: { entries, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } },
  capture: DEFAULT_CAPTURE, maxNewTokens: 2, topK: 0,
});

afterEach(() => setMemoryBudget(undefined));

describe('resources through the service', () => {
  it('refuses a prompt that would not fit, naming the bytes, and keeps serving', async () => {
    const host = nodeHost(realEngine, bundled());
    const engine = new Engine(host.client);
    try {
      await engine.openModel({ kind: 'bundled', id: 'tiny' });
      setMemoryBudget(() => 80 * 2 ** 20); // less than the 64 MB capture budget plus a long prompt's buffers
      const err = await engine.run(phonebook(2000)).done.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      console.log(`service refused: ${(err as Error).message}`);
      expect((err as Error).message).toMatch(/^a prompt of \d+ tokens needs about .* \(\d+ bytes\) of working memory with this model, but only 80 MB \(83886080 bytes\) are available/);
      const ok = await engine.run(phonebook(5)).done;
      expect(ok.status).toBe('complete');
      // A text prompt within the validator's character limit can still tokenize past the token limit.
      setMemoryBudget(undefined);
      const long = engine.run({ ...phonebook(5), prompt: { kind: 'text', text: 'Ada Lovelace: 6125550123\n'.repeat(20_000) } }).done;
      await expect(long).rejects.toThrow(/^the prompt has \d+ tokens; at most 262144 can be run$/);
    } finally {
      engine.dispose();
    }
  });

  it('keeps what a run sends within its capture budget, with notices', async () => {
    const host = nodeHost(realEngine, bundled());
    const engine = new Engine(host.client);
    try {
      await engine.openModel({ kind: 'bundled', id: 'tiny' });
      const notices: string[] = [];
      const budgetBytes = 40_000;
      const summary = await engine.run({ ...phonebook(60), capture: { ...DEFAULT_CAPTURE, budgetBytes } }, { onNotice: (m) => notices.push(m) }).done;
      const norms = 5 * 2 * summary.promptTokens * 4; // per-token norms of the 5 blocks always stay
      expect(summary.captureBytes).toBeLessThanOrEqual(Math.max(budgetBytes, norms) + norms);
      expect(notices.some((n) => /capture budget/.test(n))).toBe(true);
    } finally {
      engine.dispose();
    }
  });

  it('releases a run\'s prefill context once a newer run supersedes it', async () => {
    const kept: WeakRef<object>[] = [];
    const watched: EngineApi = {
      ...realEngine,
      async *run(model, spec, control) {
        const events = realEngine.run(model, spec, control);
        for (let e = await events.next(); ; e = await events.next()) {
          if (e.done) return e.value;
          if (e.value.type === 'prefilled') kept.push(new WeakRef(e.value.result));
          yield e.value;
        }
      },
    };
    const host = nodeHost(watched, bundled());
    const engine = new Engine(host.client);
    try {
      await engine.openModel({ kind: 'bundled', id: 'tiny' });
      const first = engine.run(phonebook(40));
      await first.done;
      await engine.tile({ runId: first.runId, layer: 3, map: 'attention', head: 0, rows: [0, 8], cols: [0, 8], size: 8 });
      const second = engine.run(phonebook(41));
      await second.done;
      await expect(engine.tile({ runId: first.runId, layer: 3, map: 'attention', head: 0, rows: [0, 8], cols: [0, 8], size: 8 })).rejects.toThrow(/no longer held/);
      // No deref() before the last gc: a deref keeps its target alive until the current job ends.
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(kept).toHaveLength(2);
      expect(kept[0].deref()).toBeUndefined(); // the superseded run's context is gone
      expect(kept[1].deref()).toBeDefined(); // the current run's is kept for its tiles
    } finally {
      engine.dispose();
    }
  });
});
