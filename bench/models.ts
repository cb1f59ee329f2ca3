// Parts (b)–(d), per bundled model (assets/models/<id>/): (b) prefill time of a 1,000- and a
// 4,000-token phonebook with the default probes, and onnxruntime-node on bench/onnx/<id>.onnx where
// that export exists (same thread count as the engine), with the engine bare (no probes: what the export computes)
// in the row's note; (c) greedy generation tokens/s after 1,000 and 4,000 tokens of context, and the
// hybrid/Transformer ratio; (d) achieved GFLOP/s of the 4,000-token prefill (matmul + attention
// FLOPs counted while it runs) against the matmul peak measured in part (a), and the matmuls inside
// it (their FLOPs over the time spent in them). GFLOP/s are also shown as a share of the FMA limit
// (bench/fma.ts) on the engine's threads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { nodeFolderSource } from '../engine/cli/node-files';
import { forward } from '../engine/forward';
import { greedyTokens } from '../engine/generate';
import { loadModel } from '../engine/io/checkpoint';
import { kernels, useBackend, type KernelBackend } from '../engine/kernels/backend';
import type { Model } from '../engine/model';
import { makePhonebook } from '../engine/phonebook';
import { defaultCapture } from '../engine/run';
import type { CaptureSpec } from '../engine/probes/plan';
import { loadTokenizer } from '../engine/tokenizer';
import { NO_SPIN } from './matmul';
import { fmt, share, type Row } from './table';
import { cpuNow, median, time } from './timing';

const MODELS = new URL('../assets/models/', import.meta.url);
const ONNX = new URL('./onnx/', import.meta.url);
const LENGTHS = [1000, 4000];
const STEPS = 32;

export interface Prompt { ids: number[]; capture: CaptureSpec }

export function prompt(model: Model, tokens: number): Prompt {
  const tokenizer = model.tokenizer
    ?? loadTokenizer(JSON.parse(readFileSync(new URL('../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8')));
  const book = makePhonebook({ format: 'bare', variant: 'standard', tokens }, 1, tokenizer);
  const t = book.tokens!;
  // the app's default probes on a phonebook run: focus on the query token, per-entry mass over the book
  return { ids: t.ids, capture: defaultCapture([t.ids.length - 1], t.entries.map((e) => e.span)) };
}

/** DESIGN.md section 6's prefill targets on 2 cores: hybrid 4k ≤ 0.5 s, Mamba-1 4k ≤ 1 s, Transformer 1k ≤ 1× onnxruntime-node. */
function prefillTarget(id: string, tokens: number): { label: string; againstOrt?: true; met(ms: number, ortMs?: number): boolean } | null {
  if (id === 'hybrid' && tokens >= 4000) return { label: '≤ 500 ms', met: (ms) => ms <= 500 };
  if (id === 'mamba' && tokens >= 4000) return { label: '≤ 1000 ms', met: (ms) => ms <= 1000 };
  if (id === 'transformer' && tokens < 4000) return { label: '≤ 1× ort', againstOrt: true, met: (ms, ort) => ort !== undefined && ms <= ort };
  return null;
}

/** Matmul and attention FLOPs of everything run through the kernel table, and the time spent in each. */
interface Counts { matmulFlops: number; matmulMs: number; matmulCpuMs: number; attentionFlops: number; attentionMs: number }

function counting(be: KernelBackend): { backend: KernelBackend; counts: Counts; reset(): void } {
  const counts: Counts = { matmulFlops: 0, matmulMs: 0, matmulCpuMs: 0, attentionFlops: 0, attentionMs: 0 };
  return {
    counts,
    reset: () => Object.assign(counts, { matmulFlops: 0, matmulMs: 0, matmulCpuMs: 0, attentionFlops: 0, attentionMs: 0 }),
    backend: {
      ...be,
      matmul: (out, x, w, T, In, Out, bias, act) => {
        counts.matmulFlops += 2 * T * In * Out;
        const c0 = cpuNow();
        const t0 = performance.now();
        be.matmul(out, x, w, T, In, Out, bias, act);
        counts.matmulMs += performance.now() - t0;
        counts.matmulCpuMs += cpuNow() - c0;
      },
      causalAttention: (out, q, k, v, scratch, T, past, H, KVH, hd, scaling, onRow, taps) => {
        counts.attentionFlops += 2 * 2 * H * hd * (T * past + (T * (T + 1)) / 2); // q·kᵀ and p·v over each causal prefix
        const t0 = performance.now();
        be.causalAttention(out, q, k, v, scratch, T, past, H, KVH, hd, scaling, onRow, taps);
        counts.attentionMs += performance.now() - t0;
      },
    },
  };
}

/** `threads`: the engine's thread count; onnxruntime gets the same number of intra-op threads. `limit`:
 *  the FMA limit in GFLOP/s on those threads for the engine's build; `cpuLimit` the same per CPU-second. */
export async function benchModels(matmulPeak: number, threads: number, limit: number, cpuLimit: number): Promise<Row[]> {
  const ids = existsSync(MODELS)
    ? readdirSync(MODELS).filter((d) => existsSync(new URL(`${d}/config.json`, MODELS))).sort()
    : [];
  if (ids.length === 0) {
    const why = 'no bundled models in assets/models/ yet';
    return ['b', 'c', 'd'].map((part) => ({
      part, name: { b: 'prefill per model', c: 'generation tok/s per model', d: 'prefill GFLOP/s vs matmul peak' }[part]!,
      engine: '—', reference: '—', ratio: '—', target: '—', status: 'skipped', note: `skipped: ${why}`,
    }));
  }
  const rows: Row[] = [];
  const tokPerSec: Record<string, Record<number, number>> = {};
  for (const id of ids) {
    const model = await loadModel(nodeFolderSource(new URL(id, MODELS).pathname));
    const onnxFile = new URL(`${id}.onnx`, ONNX);
    const session = existsSync(onnxFile) ? await ort.InferenceSession.create(onnxFile.pathname, { intraOpNumThreads: threads, interOpNumThreads: 1, extra: NO_SPIN }) : null;
    tokPerSec[id] = {};
    for (const n of LENGTHS) {
      const p = prompt(model, n);
      const T = p.ids.length;
      process.stderr.write(`  (b–d) ${id} T=${T}\n`);
      // timed through the counting table: a few performance.now() per layer, the FLOPs of each call
      const be = kernels();
      const c = counting(be);
      useBackend(c.backend);
      const matmulMs: number[] = [];
      const matmulCpuMs: number[] = [];
      const pre = await time(() => {
        c.reset();
        forward(model, p.ids, p.capture);
        matmulMs.push(c.counts.matmulMs);
        matmulCpuMs.push(c.counts.matmulCpuMs);
      }, n >= 4000 ? 3 : 5);
      useBackend(be);
      const flops = c.counts.matmulFlops + c.counts.attentionFlops;
      const gf = flops / pre.median / 1e6;
      const cpuGf = flops / pre.cpuMedian / 1e6;
      let ref = '—', ratio = '—', status: Row['status'] = 'info', bareNote: string | undefined;
      const values: Record<string, number> = { T, engineMs: pre.median, engineCpuMs: pre.cpuMedian, flops, gflops: gf, cpuGflops: cpuGf };
      if (session) {
        const feeds = { [session.inputNames[0]]: new ort.Tensor('int64', BigInt64Array.from(p.ids, BigInt), [1, T]) };
        const o = await time(() => session.run(feeds), 3);
        ref = `${fmt(o.median, 0)} ms`;
        ratio = `${fmt(pre.median / o.median, 2)}×`;
        values.ortMs = o.median;
        // like for like: the export computes the logits of every position and nothing else (no probes); the
        // row's ratio and target stay on the default probes
        const bare = await time(() => forward(model, p.ids), n >= 4000 ? 3 : 5);
        values.engineBareMs = bare.median;
        bareNote = `engine bare, logits only as the export computes: ${fmt(bare.median, 0)} ms (${fmt(bare.median / o.median, 2)}× onnxruntime-node)`;
      }
      const goal = prefillTarget(id, n);
      const target = goal?.label ?? '—';
      if (goal) status = goal.met(pre.median, values.ortMs) ? 'ok' : 'below target';
      rows.push({
        part: 'b', name: `prefill ${id} (${model.layout}) T=${T}, default probes`, engine: `${fmt(pre.median, 0)} ms`,
        reference: ref, ratio, limit: share(gf, limit), cpuLimit: share(cpuGf, cpuLimit), target, status, values,
        note: session ? bareNote : `no bench/onnx/${id}.onnx: onnxruntime column skipped`,
      });
      if (goal?.againstOrt && values.ortMs !== undefined) {
        // the least time this width allows: the counted FLOPs at 100 % of the FMA limit, nothing else
        const floorMs = flops / limit / 1e6;
        const need = floorMs / values.ortMs;
        rows.push({
          part: 'b', name: `prefill ${id} T=${T}: its FLOPs at the FMA limit`, engine: `${fmt(floorMs, 0)} ms`,
          reference: ref, ratio: `${fmt(need, 2)}×`, target: '—', status: 'info', values: { T, flops, floorMs, ortMs: values.ortMs, limit },
          note: `${fmt(flops / 1e9, 1)} GFLOP (matmul + attention) at ${fmt(limit)} GFLOP/s: ${target} needs ≥ ${fmt(100 * need, 0)} % of the limit over the whole prefill`,
        });
      }

      if (n >= 4000) {
        // part (a)'s peak: absent (0) when part (a) did not run in this bench
        const peakCells = (x: number) => (matmulPeak > 0
          ? { reference: `${fmt(matmulPeak)} GFLOP/s`, ratio: `${fmt((100 * x) / matmulPeak, 0)} %` }
          : { reference: '—', ratio: '—' });
        rows.push({
          part: 'd', name: `prefill ${id} T=${T}: achieved vs matmul peak`, engine: `${fmt(gf)} GFLOP/s`,
          ...peakCells(gf), limit: share(gf, limit), cpuLimit: share(cpuGf, cpuLimit), target: '—', status: 'info',
          values: { flops, engineMs: pre.median, gflops: gf, peak: matmulPeak, limit },
        });
        const mm = median(matmulMs.slice(1)); // the first is time()'s unrecorded warm-up
        const mgf = c.counts.matmulFlops / mm / 1e6;
        const mcpu = c.counts.matmulFlops / median(matmulCpuMs.slice(1)) / 1e6;
        const hybrid = id === 'hybrid';
        rows.push({
          part: 'd', name: `prefill ${id} T=${T}: its matmuls (${fmt(mm, 0)} of ${fmt(pre.median, 0)} ms)`, engine: `${fmt(mgf)} GFLOP/s`,
          ...peakCells(mgf), limit: share(mgf, limit), cpuLimit: share(mcpu, cpuLimit),
          target: hybrid ? '≥ 75 % of limit' : '—', status: hybrid ? (mgf >= 0.75 * limit ? 'ok' : 'below target') : 'info',
          values: { flops: c.counts.matmulFlops, matmulMs: mm, gflops: mgf, cpuGflops: mcpu, peak: matmulPeak, limit, cpuLimit },
        });
      }

      // (c) generation after T tokens of context: prefill once, then STEPS greedy steps
      const { state, logits } = forward(model, p.ids, undefined, { lastLogitsOnly: true });
      const tokens = greedyTokens(model, state, logits.data, Infinity, 1);
      tokens.next(); // the prefill's token; every later one is a step
      const g = await time(() => {
        for (let i = 0; i < STEPS; i++) tokens.next();
      }, 5, 1); // one unrecorded round: the first steps tier the decoding code up
      const tps = (STEPS * 1000) / g.median;
      tokPerSec[id][n] = tps;
      rows.push({
        part: 'c', name: `generate ${id} after ${T} tokens`, engine: `${fmt(tps, 0)} tok/s`, reference: '—', ratio: '—',
        target: n >= 4000 ? '≥ 200 tok/s' : '—', status: n >= 4000 ? (tps >= 200 ? 'ok' : 'below target') : 'info',
        values: { T, tokensPerSecond: tps, steps: STEPS },
      });
    }
    await session?.release();
  }
  const h = tokPerSec.hybrid, t = tokPerSec.transformer;
  if (h && t) {
    for (const n of LENGTHS) {
      rows.push({
        part: 'c', name: `hybrid / transformer generation speed at ~${n} tokens`, engine: `${fmt(h[n], 0)} tok/s`,
        reference: `${fmt(t[n], 0)} tok/s`, ratio: `${fmt(h[n] / t[n], 2)}×`, target: n >= 4000 ? '> 1×' : '—',
        status: n >= 4000 ? (h[n] > t[n] ? 'ok' : 'below target') : 'info',
      });
    }
  } else {
    rows.push({ part: 'c', name: 'hybrid / transformer ratio', engine: '—', reference: '—', ratio: '—', target: '> 1×', status: 'skipped', note: 'skipped: needs both assets/models/hybrid and assets/models/transformer' });
  }
  return rows;
}
