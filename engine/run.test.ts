// The one run pipeline on the bundled hybrid: events in order, the answer scored by the one scorer,
// the digest over exactly the streamed records, cancellation between blocks, the capture budget.
import { describe, expect, it } from 'vitest';
import { nodeFolderSource } from './cli/node-files';
import { Digest } from './digest';
import { loadModel } from './io/checkpoint';
import { scoreInBook } from './phonebook/score';
import type { LayerRecord } from './records';
import { DEFAULT_CAPTURE, runModel, type RunControl, type RunEvent, type RunSpec, type RunSummary } from './run';

const model = await loadModel(nodeFolderSource(new URL('../assets/models/hybrid', import.meta.url).pathname));
const phonebook: RunSpec = {
  prompt: { kind: 'phonebook', seed: 11, spec: { entries: 12, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } },
  capture: DEFAULT_CAPTURE, maxNewTokens: 16, topK: 3,
};

async function collect(spec: RunSpec, control: Partial<RunControl> = {}): Promise<{ events: RunEvent[]; summary: RunSummary; pauses: number }> {
  let pauses = 0;
  const events: RunEvent[] = [];
  const run = runModel(model, spec, { pause: async () => void pauses++, stopped: () => null, now: () => performance.now(), ...control });
  for (let next = await run.next(); ; next = await run.next()) {
    if (next.done) return { events, summary: next.value, pauses };
    events.push(next.value);
  }
}

const layers = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'layer' ? [e.record] : []));

describe('runModel', () => {
  it('streams started, one record per block, the prefill, then tokens; the summary scores the answer', async () => {
    const { events, summary, pauses } = await collect(phonebook);
    const types = events.map((e) => e.type).filter((t) => t !== 'notice');
    expect(types.slice(0, 10)).toEqual(['started', ...Array(8).fill('layer'), 'prefilled']);
    expect(types.slice(10).every((t) => t === 'token')).toBe(true);
    const records = layers(events);
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pauses).toBeGreaterThanOrEqual(8); // a turn for the host after every block
    const started = events[0] as Extract<RunEvent, { type: 'started' }>;
    const book = started.prompt.phonebook!;
    const tokens = events.flatMap((e) => (e.type === 'token' ? [e] : []));
    expect(summary.generatedText).toBe(tokens.map((t) => t.text).join(''));
    expect(summary.generatedIds).toEqual(tokens.map((t) => t.id));
    expect(tokens.every((t) => t.top.length === 3)).toBe(true);
    const score = scoreInBook(summary.generatedText, book.expected, book.entries, book.target);
    expect(summary).toMatchObject({ status: 'complete', expected: book.expected, exact: score.exact, digitAccuracy: score.digitAccuracy, retrieved: score.retrieved });
    expect(summary.exact).toBe(true); // the shipped hybrid recalls a 12-entry book
    const digest = new Digest();
    for (const r of records) digest.addRecord(r);
    expect(summary.recordsDigest).toBe(digest.hex());
  });

  it('runs a layout in the one notation and names it canonically', async () => {
    const { events, summary } = await collect({ ...phonebook, layout: 'M-M*M-MM6-', maxNewTokens: 2 });
    expect(layers(events).map((r) => r.block)).toEqual([0, 1, 2, 3, 4, 5, 6, 6, 7]);
    expect(summary).toMatchObject({ layout: 'M-M*M-MM6-', blocks: [0, 1, 2, 3, 4, 5, 6, 6, 7] });
  });

  it('stops between blocks when the host says so, and reports what it ran', async () => {
    let seen = 0;
    const { events, summary } = await collect(phonebook, {
      pause: async () => void seen++,
      stopped: () => (seen >= 3 ? 'cancelled' : null),
    });
    expect(layers(events)).toHaveLength(3);
    expect(events.some((e) => e.type === 'token' || e.type === 'prefilled')).toBe(false);
    expect(summary).toMatchObject({ status: 'cancelled', generatedIds: [] });
  });

  it('keeps what it holds within the capture budget and says what it dropped', async () => {
    const budgetBytes = 200_000;
    const { events, summary } = await collect({ ...phonebook, capture: { ...DEFAULT_CAPTURE, budgetBytes }, maxNewTokens: 1 });
    const records: LayerRecord[] = layers(events);
    expect(summary.captureBytes).toBeLessThanOrEqual(budgetBytes);
    expect(events.some((e) => e.type === 'notice' && /capture budget/.test(e.message))).toBe(true);
    expect(records.some((r) => r.notices?.some((n) => /capture budget/.test(n)))).toBe(true);
  });
});
