// The trace campaign (engine/test/reliability/trace.campaign.ts) on its own, smaller than in the
// reliability suite: every cut of a valid trace and every hand-picked attack is refused, no input crashes or hangs, and each kind
// of attack is refused at least once. TRACE_SEED replays a run.
import { describe, expect, it } from 'vitest';
import { formatTable, totals } from '../test/reliability/harness';
import { traceCampaign, validTrace } from '../test/reliability/trace.campaign';
import { memorySource } from '../io/files';
import { readTrace } from './read';

const seed = Number(process.env.TRACE_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('hostile traces', () => {
  it('the campaign\'s base trace is valid and reads back', async () => {
    const t = await readTrace(memorySource('m', { f: await validTrace() }), 'f');
    expect(t.records.map((r) => r.index)).toEqual([0, 1]);
    expect(t.tokens[1].logprob).toBe(-Infinity); // non-finite numbers survive, as Python writes them
    expect(t.records[1].named?.['layers.1.mixer.ssm_state'].shape).toEqual([2, 2]);
  });

  it(`are refused in one line naming the file, never a crash or a hang (seed ${seed})`, { timeout: 120_000 }, async () => {
    const stats = await traceCampaign(seed, 0.3);
    console.log(formatTable(stats, `trace campaign: seed ${seed}`));
    const t = totals(stats);
    const failures = stats.flatMap((s) => s.failures).join('\n');
    expect(t.crashes, failures).toBe(0);
    expect(t.hangs, failures).toBe(0);
    const cuts = stats.find((s) => s.kind === 'trace: truncations')!;
    expect(cuts.accepted).toBe(0);
    expect(cuts.refused).toBe(cuts.tried);
    const named = stats.find((s) => s.kind === 'trace: named attacks')!;
    expect(named.tried).toBeGreaterThan(30);
    expect(named.accepted).toBe(0);
    for (const s of stats) expect(s.refused, s.kind).toBeGreaterThan(0);
  });
});
