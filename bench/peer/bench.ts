// Part (g), the fair peer: onnxruntime-web (its WebAssembly SIMD build) on bench/onnx/<id>.onnx beside
// the engine (the web build's engine/ code and wasm kernels, in a module Worker), in one Chromium page
// served cross-origin isolated (server.ts), each on 1 and 2 threads. Per model with an export: the
// prefill of its 4,000-token phonebook (3,990 tokens) timed in turns — the engine with the default
// probes, as part (b), and bare (logits only, what the export computes) — and greedy generation after
// it: the engine's `step` against onnxruntime-web recomputing the whole sequence per token (the
// exports take no cache inputs). Times are taken inside the workers; the load is printed with them.
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { nodeFolderSource } from '../../engine/cli/node-files';
import { loadModel } from '../../engine/io/checkpoint';
import { CHROMIUM } from '../../renderer/e2e/harness';
import { prompt } from '../models';
import { fmt, type Row } from '../table';
import { median } from '../timing';
import { openPeer, type PeerPage } from './open';
import type { Ready } from './rpc';

const MODELS = new URL('../../assets/models/', import.meta.url);
const ONNX = new URL('../onnx/', import.meta.url);
const TOKENS = 4000;
const REPEATS = 3; // after one unrecorded run of each
const ENGINE_GEN = { steps: 32, rounds: 5 }; // as part (c)
const ORT_GEN = { steps: 1, rounds: 2 }; // each step is a whole 4k forward pass

const skipped = (name: string, why: string): Row => ({ part: 'g', name, engine: '—', reference: '—', ratio: '—', target: '—', status: 'skipped', note: `skipped: ${why}` });

export async function benchPeer(cores: number): Promise<Row[]> {
  if (!existsSync(CHROMIUM)) return [skipped('engine vs onnxruntime-web in Chromium', `${CHROMIUM} is missing`)];
  const ids = readdirSync(MODELS).filter((d) => existsSync(new URL(`${d}/config.json`, MODELS))).sort();
  const threads = cores >= 2 ? [1, 2] : [1];
  const load = loadavg()[0];
  const peer = await openPeer();
  const rows: Row[] = [];
  const version = `Chromium ${peer.browser.version()}`;
  try {
    for (const id of ids) {
      if (!existsSync(new URL(`${id}.onnx`, ONNX))) {
        rows.push(skipped(`prefill and generation ${id}: engine vs onnxruntime-web`, `no bench/onnx/${id}.onnx (training/export_onnx.py)`));
        continue;
      }
      rows.push(...(await benchModel(peer, id, threads)));
    }
    if (peer.errors.some((e) => !e.startsWith('Failed to load resource'))) throw new Error(`the peer page failed: ${peer.errors.join('; ')}`);
  } finally {
    await peer.close();
  }
  const loadEnd = loadavg()[0];
  rows.unshift({
    part: 'g', name: `engine vs onnxruntime-web in ${version}, cross-origin isolated`, engine: '—', reference: '—', ratio: '—', target: '—', status: 'info',
    note: `load ${load.toFixed(1)} at the start of part g, ${loadEnd.toFixed(1)} at its end: absolute times stretch with it, the ratios far less`,
    values: { load, loadEnd },
  });
  return rows;
}

async function benchModel(peer: PeerPage, id: string, threads: number[]): Promise<Row[]> {
  const model = await loadModel(nodeFolderSource(new URL(id, MODELS).pathname));
  const p = prompt(model, TOKENS);
  const T = p.ids.length;
  const probes = { focus: p.capture.focus ?? [], entries: p.capture.entries ?? [] };
  const ready: Record<string, Ready> = {};
  const names = threads.flatMap((n) => [`engine${n}`, `ort${n}`]);
  for (const name of names) ready[name] = await peer.open(name, name.startsWith('engine') ? 'engine' : 'ort', id, Number(name.at(-1)));
  const rows: Row[] = [];
  try {
    process.stderr.write(`  (g) ${id} T=${T}: prefill in turns\n`);
    // in turns: every contender once per round, so background load hits them alike
    const runs: Record<string, number[]> = {};
    const contenders = threads.flatMap((n) => [
      [`engine${n}`, `engine${n}`, { ids: p.ids, probes }],
      [`bare${n}`, `engine${n}`, { ids: p.ids }],
      [`ort${n}`, `ort${n}`, { ids: p.ids }],
    ] as const);
    for (let r = 0; r <= REPEATS; r++) {
      for (const [key, worker, args] of contenders) {
        const ms = await peer.call(worker, 'prefill', args);
        if (r > 0) (runs[key] ??= []).push(ms);
      }
    }
    for (const n of threads) {
      const e = median(runs[`engine${n}`]), bare = median(runs[`bare${n}`]), o = median(runs[`ort${n}`]);
      const eng = ready[`engine${n}`], ort = ready[`ort${n}`];
      const ratio = e / o;
      const hybrid2 = id === 'hybrid' && n === 2;
      rows.push({
        part: 'g', name: `prefill ${id} T=${T}, engine ${eng.threads} / onnxruntime-web ${ort.threads} thread(s)`,
        engine: `${fmt(e, 0)} ms`, reference: `${fmt(o, 0)} ms`, ratio: `${fmt(ratio, 2)}×`,
        target: hybrid2 ? '≤ 0.25× (4× ahead)' : '< 1×', status: ratio <= (hybrid2 ? 0.25 : 1) ? 'ok' : 'below target',
        note: `engine with default probes (part b's prompt); bare, logits only as the export: ${fmt(bare, 0)} ms (${fmt(bare / o, 2)}×)${threadNote(eng, ort, n)}`,
        values: { T, engineMs: e, engineBareMs: bare, ortMs: o, engineThreads: eng.threads, ortThreads: ort.threads, repeats: REPEATS },
      });
    }
    for (const n of threads) {
      process.stderr.write(`  (g) ${id} T=${T}: generation, ${n} thread(s)\n`);
      const eg = await peer.call(`engine${n}`, 'generate', { ids: p.ids, ...ENGINE_GEN });
      const og = await peer.call(`ort${n}`, 'generate', { ids: p.ids, ...ORT_GEN });
      const e = 1000 / median(eg.msPerToken), o = 1000 / median(og.msPerToken);
      const same = og.tokens.every((t, i) => t === eg.tokens[i]);
      rows.push({
        part: 'g', name: `generate ${id} after ${T} tokens, engine ${ready[`engine${n}`].threads} / onnxruntime-web ${ready[`ort${n}`].threads} thread(s)`,
        engine: `${fmt(e, 0)} tok/s`, reference: `${fmt(o, 2)} tok/s`, ratio: `${fmt(e / o, 0)}×`, target: '> 1×', status: e > o ? 'ok' : 'below target',
        note: `engine: step() with its caches; onnxruntime-web: the whole sequence recomputed per token (the export has no cache inputs); first ${og.tokens.length} greedy tokens ${same ? 'the same' : 'DIFFER'}`,
        values: { T, engineTokPerS: e, ortTokPerS: o, sameTokens: same ? 1 : 0, engineSteps: ENGINE_GEN.steps * ENGINE_GEN.rounds, ortSteps: ORT_GEN.steps * ORT_GEN.rounds },
      });
    }
  } finally {
    for (const name of names) await peer.closeWorker(name);
  }
  return rows;
}

function threadNote(eng: Ready, ort: Ready, asked: number): string {
  const short = [eng, ort].filter((r) => r.threads < asked).map((r) => `${r.side} got ${r.threads} of ${asked} threads (isolated: ${r.isolated})`);
  return short.length ? `; ${short.join(', ')}` : '';
}
