// Part (i), growth: the bundled hybrid's prefill of a 1,000-, 4,000- and 16,000-token phonebook with the
// default probes, greedy generation after each, and the memory held at each — the model's cache
// (Mamba-2 states, constant; the attention block's K and V, per token) and the process's resident
// memory after the prefill (wasm memory only grows, so it is the peak so far). The cost curve shows
// the linear part (the SSM and MLP blocks, per token) and the quadratic one (the attention block):
// each row says how the time grew against the tokens.
import { existsSync } from 'node:fs';
import { nodeFolderSource } from '../engine/cli/node-files';
import { forward } from '../engine/forward';
import { greedyTokens } from '../engine/generate';
import { loadModel } from '../engine/io/checkpoint';
import { blockCacheBytes } from '../engine/index';
import { prompt } from './models';
import { fmt, type Row } from './table';
import { time } from './timing';

const HYBRID = new URL('../assets/models/hybrid/', import.meta.url);
const LENGTHS = [1000, 4000, 16000];
const STEPS = 32;
const MB = 1e6;

export async function benchGrowth(): Promise<Row[]> {
  if (!existsSync(new URL('config.json', HYBRID))) {
    return [{ part: 'i', name: 'growth of the hybrid', engine: '—', reference: '—', ratio: '—', target: '—', status: 'skipped', note: 'skipped: no assets/models/hybrid' }];
  }
  const model = await loadModel(nodeFolderSource(HYBRID.pathname));
  const cache = model.original.map(blockCacheBytes);
  const rows: Row[] = [];
  let before: { T: number; ms: number } | undefined;
  for (const n of LENGTHS) {
    const p = prompt(model, n);
    const T = p.ids.length;
    process.stderr.write(`  (i) hybrid T=${T}\n`);
    const pre = await time(() => forward(model, p.ids, p.capture), n >= 16000 ? 2 : 3);
    const rss = process.memoryUsage().rss;
    const grew = before ? `${fmt(pre.median / before.ms, 1)}× for ${fmt(T / before.T, 1)}× tokens` : '—';
    rows.push({
      part: 'i', name: `growth: prefill hybrid T=${T}, default probes`, engine: `${fmt(pre.median, 0)} ms`, reference: `${fmt((1000 * pre.median) / T, 0)} µs/token`,
      ratio: grew, target: '—', status: 'info', values: { T, engineMs: pre.median, engineCpuMs: pre.cpuMedian },
    });
    before = { T, ms: pre.median };

    const { state, logits } = forward(model, p.ids, undefined, { lastLogitsOnly: true });
    const tokens = greedyTokens(model, state, logits.data, Infinity, 1);
    tokens.next(); // the prefill's token; every later one is a step
    const g = await time(() => {
      for (let i = 0; i < STEPS; i++) tokens.next();
    }, 3, 1);
    const tps = (STEPS * 1000) / g.median;
    rows.push({ part: 'i', name: `growth: generate hybrid after ${T} tokens`, engine: `${fmt(tps, 0)} tok/s`, reference: '—', ratio: '—', target: '—', status: 'info', values: { T, tokensPerSecond: tps } });

    const states = cache.reduce((s, c) => s + c.state, 0);
    const kv = cache.reduce((s, c) => s + c.kvPerToken, 0) * T;
    rows.push({
      part: 'i', name: `growth: held at T=${T}: cache (SSM states + attention K, V) / process resident`, engine: `${fmt((states + kv) / MB, 2)} MB`,
      reference: `${fmt(rss / MB, 0)} MB RSS`, ratio: `${fmt(states / MB, 2)} MB states + ${fmt(kv / MB, 2)} MB KV`, target: '—', status: 'info',
      values: { T, stateBytes: states, kvBytes: kv, rssBytes: rss },
    });
  }
  return rows;
}
