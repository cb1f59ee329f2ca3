// A trace with the study's 8B hybrid layout (PAPER.md: 56 blocks, 24 Mamba-2, 4 attention at 10,
// 22, 33, 45, 28 MLP) made here, on the CPU, from a random-weight nemotron_h checkpoint at tiny
// widths: the engine runs it (runModel, default probes) on a ~4,000-token phonebook and writes the
// trace as `hybridscope trace` does (writeRunTrace into an atomic file). Random weights answer
// wrongly; tests on it check what the app shows and how fast, not recall.
//
// Size: the real 8B's default probes at 4,000 tokens fill the 64 MB capture budget. Here the head
// counts (24 Mamba-2 heads, 16 attention heads over 4 KV groups) are chosen so that every probe fits
// and the file is about as large (≈ 64 MB), with the budget raised so that nothing is dropped and
// without the on-demand context (q/k, dt/B/C), which a trace cannot use.
import { loadModel } from '../../engine/io/checkpoint';
import { installFastKernels } from '../../engine/kernels/install';
import { nodeFolderSource, openAtomicFile } from '../../engine/cli/node';
import { TRACE_CAPTURE, runModel, type RunSpec } from '../../engine/run';
import { writeRunTrace } from '../../engine/trace/write';
import type { RunSummary } from '../../engine/run';
import { tinyModelDir } from './checkpoints';

/** The 8B Mamba-2-Hybrid's `hybrid_override_pattern` (PAPER.md). */
export const STUDY_8B_PATTERN = 'M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-';

export const STUDY_TINY_CONFIG = {
  hybrid_override_pattern: STUDY_8B_PATTERN,
  hidden_size: 64, intermediate_size: 128,
  num_attention_heads: 16, num_key_value_heads: 4, head_dim: 8,
  mamba_num_heads: 24, mamba_head_dim: 8, ssm_state_size: 16, n_groups: 2, conv_kernel: 4, chunk_size: 128,
};

/** Writes the trace to `out`; resolves to its summary and size. */
export async function writeStudyTrace(out: string, opts: { tokens?: number; seed?: number } = {}): Promise<{ summary: RunSummary; bytes: number }> {
  installFastKernels(); // as the CLI runs
  const dir = tinyModelDir('study-8b-pattern', STUDY_TINY_CONFIG);
  const model = await loadModel(nodeFolderSource(dir));
  const spec: RunSpec = {
    prompt: { kind: 'phonebook', seed: opts.seed ?? 1, spec: { tokenBudget: opts.tokens ?? 4000, depth: 0.5, variant: 'standard', format: 'question', fewShot: 2 } },
    capture: { ...TRACE_CAPTURE, budgetBytes: 256 * 2 ** 20 },
    maxNewTokens: 14, topK: 5,
  };
  const run = runModel(model, spec, { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
  const file = await openAtomicFile(out);
  let bytes = 0;
  try {
    const summary = await writeRunTrace(run, model, spec, (c) => { bytes += c.length; return file.write(c); }, { name: 'study-8b-pattern', producer: 'hybridscope e2e' });
    await file.commit();
    return { summary, bytes };
  } catch (e) {
    await file.abort();
    throw e;
  }
}
