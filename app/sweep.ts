// A recall sweep: engine/phonebook's runSweep (the same books, seeds and scoring as the CLI's
// `phonebook` command) over layouts of the open model × entries × depths, greedy answers only, no
// captures. Progress after every sample with the point it completed; cancel between samples.
import type { GreedyDecode } from '../engine/phonebook/score';
import { runSweep, type PointKey, type SweepModel } from '../engine/phonebook/sweep';
import type { SampleScore } from '../engine/phonebook/score';
import type { Backend } from './backend';
import type { Clock } from './clock';
import { layoutString, resolveLayout } from './layout';
import type { EngineEvent, SweepPoint, SweepSpec } from './protocol';
import { PROTOCOL_VERSION } from './protocol';

export interface SweepContext<M> {
  sweepId: number;
  spec: SweepSpec;
  model: M;
  /** A name for the model in the results (bundled id or folder). */
  modelName: string;
  backend: Backend<M>;
  clock: Clock;
  post(event: EngineEvent): void;
  cancelled(): boolean;
}

function decoder<M>(backend: Backend<M>, model: M): GreedyDecode {
  return (promptIds, maxNew, stopAt) => {
    const ids: number[] = [];
    const logprobs: number[] = [];
    const steps = backend.generate(model, Int32Array.from(promptIds), undefined, maxNew, 0, false);
    for (let s = steps.next(); !s.done; s = steps.next()) {
      ids.push(s.value.id);
      logprobs.push(s.value.logprob);
      if (stopAt(s.value.id)) break;
    }
    return { ids, logprobs };
  };
}

/** One point from its samples, as runSweep summarises it (digit accuracy pooled over all digits). */
function point(key: PointKey, samples: SampleScore[]): SweepPoint {
  const digits = samples.reduce((a, s) => a + s.answer.replace(/[^0-9]/g, '').length, 0);
  const p: SweepPoint = {
    layout: key.layout, entries: key.entries ?? 0, depth: key.depth ?? 0, samples: samples.length,
    meanEntries: samples.reduce((a, s) => a + s.entries, 0) / samples.length,
    accuracy: samples.filter((s) => s.exact).length / samples.length,
    digitAccuracy: samples.reduce((a, s) => a + s.digitsRight, 0) / Math.max(1, digits),
    meanTokens: samples.reduce((a, s) => a + s.promptTokens, 0) / samples.length,
  };
  if (key.tokens !== null) p.tokenBudget = key.tokens;
  return p;
}

export async function executeSweep<M>(ctx: SweepContext<M>): Promise<void> {
  const { spec, backend, sweepId } = ctx;
  const v = PROTOCOL_VERSION;
  const tokenizer = backend.tokenizer(ctx.model);
  if (!tokenizer) throw new Error('a sweep needs the model\'s tokenizer.json');
  const kinds = backend.kinds(ctx.model);
  const models: SweepModel[] = spec.layouts.map((l) => {
    const blocks = resolveLayout(kinds, l);
    const arranged = backend.arrange(ctx.model, blocks);
    return { id: ctx.modelName, layout: layoutString(kinds, blocks), tokenizer, decode: decoder(backend, arranged) };
  });
  const byPoint = new Map<string, SampleScore[]>();
  const points: SweepPoint[] = [];
  const signal = { get aborted() { return ctx.cancelled(); } };
  const result = await runSweep({
    models,
    lengths: [...spec.entries.map((entries) => ({ entries })), ...(spec.tokenBudgets ?? []).map((tokens) => ({ tokens }))],
    formats: [spec.format], variants: [spec.variant],
    depths: spec.depths, samples: spec.samples, seed: spec.seed, shots: spec.fewShot,
  }, {
    signal,
    pause: () => ctx.clock.yield(),
    now: () => ctx.clock.now(),
    onProgress: (p) => {
      const key = JSON.stringify(p.point);
      const samples = [...(byPoint.get(key) ?? []), p.sample];
      byPoint.set(key, samples);
      const done = samples.length === spec.samples ? point(p.point, samples) : undefined;
      if (done) points.push(done);
      ctx.post({ type: 'sweep/progress', v, sweepId, done: p.done, total: p.total, etaMs: p.etaMs, ...(done ? { point: done } : {}) });
    },
  });
  ctx.post({ type: 'sweep/done', v, sweepId, status: result.cancelled ? 'cancelled' : 'complete', points });
}
