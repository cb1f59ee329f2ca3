// The reliability suite (issue 8, acceptance 1): generated hostile inputs against every reader and
// boundary — safetensors, trace files, config.json, checkpoint folders, tokenizer.json, layouts, phonebook specs,
// experiment files, the request validator and the live service over a MessageChannel. Every input
// must end accepted or refused with a one-line message naming the file or field; none may crash or
// hang. Prints the summary table. RELIABILITY_SEED replays a run; RELIABILITY_SCALE scales the counts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkpointCampaign } from '../../../engine/test/reliability/checkpoint.campaign';
import { formatTable, totals, type KindStats } from '../../../engine/test/reliability/harness';
import { safetensorsCampaign } from '../../../engine/test/reliability/safetensors.campaign';
import { layoutCampaign, phonebookCampaign, tokenizerCampaign } from '../../../engine/test/reliability/text.campaign';
import { traceCampaign } from '../../../engine/test/reliability/trace.campaign';
import { corpusCampaign } from './corpus.campaign';
import { filesCampaign } from './files.campaign';
import { protocolCampaign } from './protocol.campaign';

const seed = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const scale = Number(process.env.RELIABILITY_SCALE ?? 0.7);
const MIN_INPUTS = 10_000;

describe('hostile inputs', () => {
  it(`are accepted or refused with one line, never a crash or a hang (seed ${seed})`, { timeout: 240_000 }, async () => {
    const tokenizer = readFileSync(new URL('../../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
    const stats: KindStats[] = [];
    const t0 = performance.now();
    stats.push(...safetensorsCampaign(seed, scale));
    stats.push(...(await checkpointCampaign(seed, scale * 0.8)));
    stats.push(...(await traceCampaign(seed, scale)));
    stats.push(...tokenizerCampaign(seed, scale));
    stats.push(...(await layoutCampaign(seed, scale)));
    stats.push(...phonebookCampaign(seed, scale));
    stats.push(...filesCampaign(seed, scale));
    stats.push(...(await protocolCampaign(seed, tokenizer, scale)));
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(formatTable(stats, `reliability suite: seed ${seed}, scale ${scale}, ${seconds} s (RELIABILITY_SEED=${seed} replays it)`));
    const t = totals(stats);
    expect(t.crashes, stats.flatMap((s) => s.failures).join('\n')).toBe(0);
    expect(t.hangs, stats.flatMap((s) => s.failures).join('\n')).toBe(0);
    if (scale >= 0.7) expect(t.tried).toBeGreaterThanOrEqual(MIN_INPUTS);
    for (const s of stats) expect(s.refused, `${s.kind} should refuse some of its inputs`).toBeGreaterThan(0);
  });

  const corpus = process.env.RELIABILITY_CORPUS;
  it.skipIf(!corpus)(`handles every file of the corpus in RELIABILITY_CORPUS (${corpus ?? 'not set'}) the same way`, { timeout: 600_000 }, async () => {
    const stats = await corpusCampaign(corpus!);
    console.log(formatTable(stats, `reliability corpus: ${corpus}`));
    const t = totals(stats);
    expect(t.tried).toBeGreaterThan(0);
    expect(t.crashes, stats.flatMap((s) => s.failures).join('\n')).toBe(0);
    expect(t.hangs, stats.flatMap((s) => s.failures).join('\n')).toBe(0);
  });
});
