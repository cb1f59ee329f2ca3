// Part (h): real sizes. Random-weight bfloat16 checkpoints with the shapes of mamba2-1.3b (one
// 2.7 GB model.safetensors) and mamba-130m, written on demand into the temp folder
// (bench/big-checkpoint.ts; kept there and reused, delete the folder to rebuild), each run in a
// process of its own (bench/big-run.ts) through the app's service: open the folder, a ~500-token
// phonebook with the default probes, 16 greedy tokens. Rows: load, prefill, tokens/s, peak RSS.
// Where an ONNX export of the checkpoint lies in the temp folder's onnx/ (bench/big-onnx.ts says how
// to make one), onnxruntime-node runs the same prompt ids in a process of its own beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBigCheckpoint, type BigKind } from './big-checkpoint';
import { fmt, type Row } from './table';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** Bumped when the writer changes what it writes, so an old folder is not reused. */
const WRITER_VERSION = 1;
const PROMPT_TOKENS = 500;
const NEW_TOKENS = 16;
const GB = 1e9;

interface Measured {
  parameters: number; layout: string; threads: number; loadMs: number; promptTokens: number; generated: number;
  prefillMs: number; msPerToken: number; peakRssBytes: number; prefillCpuSeconds: number; decodeCpuSecondsPerToken: number;
  promptIds: number[]; generatedIds: number[];
}

interface OnnxMeasured { loadMs: number; prefillMs: number; prefillCpuSeconds: number; recomputeMs: number; firstTokens: number[]; peakRssBytes: number }

const onnxValues = (o: OnnxMeasured): Record<string, number> => ({
  onnxLoadMs: o.loadMs, onnxPrefillMs: o.prefillMs, onnxPrefillCpuSeconds: o.prefillCpuSeconds, onnxRecomputeMs: o.recomputeMs, onnxPeakRssBytes: o.peakRssBytes,
});

/** onnxruntime-node on the export of `kind`'s checkpoint with the prompt the engine ran, or null without one. */
function measureOnnx(dir: string, kind: string, m: Measured, threads: number): OnnxMeasured | null {
  const file = join(dir, '..', 'onnx', `${kind}.onnx`);
  if (!existsSync(file)) return null;
  const tmp = mkdtempSync(join(tmpdir(), 'hybridscope-big-'));
  try {
    writeFileSync(join(tmp, 'ids.json'), JSON.stringify(m.promptIds));
    return runScript<OnnxMeasured>('bench/big-onnx.ts', [file, join(tmp, 'ids.json'), String(threads)]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A bench script in a process of its own (its peak RSS its own); what it prints last, as JSON. */
function runScript<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${script} ${args[0]}: exit ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

function measure(dir: string, threads: number): Measured {
  return runScript<Measured>('bench/big-run.ts', [dir, String(threads), String(PROMPT_TOKENS), String(NEW_TOKENS)]);
}

export async function benchBig(): Promise<Row[]> {
  const tokenizer = readFileSync(new URL('../assets/tokenizer/tokenizer.json', import.meta.url));
  const threads = Math.min(2, cpus().length);
  const rows: Row[] = [];
  for (const kind of ['mamba2-1.3b', 'mamba-130m'] as BigKind[]) {
    const dir = join(tmpdir(), 'hybridscope-bench', `${kind}-v${WRITER_VERSION}`);
    process.stderr.write(`  (h) ${kind}: checkpoint in ${dir}\n`);
    const bytes = writeBigCheckpoint(dir, kind, tokenizer);
    process.stderr.write(`  (h) ${kind}: run\n`);
    const m = measure(dir, threads);
    const big = kind === 'mamba2-1.3b';
    const what = `${kind} shape (random, ${fmt(m.parameters / 1e9, 2)}B parameters, bf16, one ${fmt(bytes / GB, 2)} GB file)`;
    const tokS = 1000 / m.msPerToken;
    const rssLimit = 1.5 * bytes + GB;
    const { layout: _layout, promptIds: _ids, generatedIds: _gen, ...numbers } = m;
    const values = { ...numbers, checkpointBytes: bytes };
    rows.push(
      {
        part: 'h', name: `${what}: open through the service`, engine: `${fmt(m.loadMs / 1000, 1)} s`, reference: '—', ratio: '—',
        target: '—', status: 'info', values,
      },
      {
        part: 'h', name: `${kind}: prefill of a ${m.promptTokens}-token phonebook, default probes, ${threads} thread(s)`,
        engine: `${fmt(m.prefillMs / 1000, 1)} s`, reference: '—', ratio: '—', target: big ? '≤ 20 s' : '—',
        status: big ? (m.prefillMs <= 20_000 ? 'ok' : 'below target') : 'info', values,
        note: `CPU time of the process meanwhile: ${fmt(m.prefillCpuSeconds, 1)} s over both threads (wall time stretches with the machine's load)`,
      },
      {
        part: 'h', name: `${kind}: generation after it (${m.generated} tokens)`, engine: `${fmt(tokS, 1)} tok/s`, reference: '—', ratio: '—',
        target: big ? '≥ 5 tok/s' : '—', status: big ? (tokS >= 5 ? 'ok' : 'below target') : 'info', values,
        note: `CPU time of the process: ${fmt(m.decodeCpuSecondsPerToken * 1000, 0)} ms a token over both threads`,
      },
      {
        part: 'h', name: `${kind}: peak resident memory of the whole process`, engine: `${fmt(m.peakRssBytes / GB, 2)} GB`,
        reference: `${fmt(bytes / GB, 2)} GB file`, ratio: `${fmt(m.peakRssBytes / bytes, 2)}×`, target: big ? `≤ ${fmt(rssLimit / GB, 2)} GB (1.5× + 1 GB)` : '—',
        status: big ? (m.peakRssBytes <= rssLimit ? 'ok' : 'below target') : 'info', values,
      },
    );
    process.stderr.write(`  (h) ${kind}: onnxruntime-node, where an export exists\n`);
    const o = measureOnnx(dir, kind, m, threads);
    if (!o) {
      rows.push({
        part: 'h', name: `${kind}: onnxruntime-node`, engine: '—', reference: '—', ratio: '—', target: '—', status: 'skipped',
        note: `skipped: no ${join(dir, '..', 'onnx', `${kind}.onnx`)} (bench/big-onnx.ts says how to export one)`,
      });
      continue;
    }
    const same = o.firstTokens[0] === m.generatedIds[0] && o.firstTokens[1] === m.generatedIds[1];
    rows.push(
      {
        part: 'h', name: `${kind}: prefill, engine (default probes) / onnxruntime-node (float32 export, logits only), ${threads} thread(s)`,
        engine: `${fmt(m.prefillMs / 1000, 1)} s`, reference: `${fmt(o.prefillMs / 1000, 1)} s`, ratio: `${fmt(m.prefillMs / o.prefillMs, 2)}×`,
        target: '—', status: 'info', values: onnxValues(o),
        note: `onnxruntime: session ${fmt(o.loadMs / 1000, 1)} s, prefill CPU ${fmt(o.prefillCpuSeconds, 1)} s, peak RSS ${fmt(o.peakRssBytes / GB, 2)} GB; first 2 greedy tokens ${same ? 'the same' : `differ (${o.firstTokens.join(', ')} vs ${m.generatedIds.slice(0, 2).join(', ')})`}`,
      },
      {
        part: 'h', name: `${kind}: a generated token, engine (its caches) / onnxruntime-node (the sequence recomputed: the export has no cache inputs)`,
        engine: `${fmt(m.msPerToken, 0)} ms`, reference: `${fmt(o.recomputeMs, 0)} ms`, ratio: `${fmt(m.msPerToken / o.recomputeMs, 3)}×`,
        target: '—', status: 'info', values: onnxValues(o),
      },
    );
  }
  return rows;
}
