// A recall sweep: engine/phonebook's runSweep (the same books, seeds and scoring as the CLI's
// `phonebook` command) over layouts of the open model × entries × depths, greedy answers only, no
// captures. Progress after every sample with the point it completed; cancel between samples.
import type { GreedyDecode } from '../engine/phonebook/score';
import { runSweep, type SweepModel, type SweepPoint as EnginePoint } from '../engine/phonebook/sweep';
import type { Backend } from './backend';
import type { Clock } from './clock';
import { checkpointOrder, formatLayout, parseLayout } from '../engine/layout';
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

/** The wire form of a finished point (protocol.ts): 0 stands for "none" in entries and depth. */
function wirePoint(p: EnginePoint): SweepPoint {
  const w: SweepPoint = {
    layout: p.layout, entries: p.entries ?? 0, depth: p.depth ?? 0, samples: p.samples, meanEntries: p.meanEntries,
    accuracy: p.accuracy, digitAccuracy: p.digitAccuracy, wrongOtherEntry: p.wrongOtherEntry, wrongSameName: p.wrongSameName,
    meanTokens: p.meanTokens,
  };
  if (p.tokens !== null) w.tokenBudget = p.tokens;
  return w;
}

export async function executeSweep<M>(ctx: SweepContext<M>): Promise<void> {
  const { spec, backend, sweepId } = ctx;
  const v = PROTOCOL_VERSION;
  const tokenizer = backend.tokenizer(ctx.model);
  if (!tokenizer) throw new Error('a sweep needs the model\'s tokenizer.json');
  const kinds = backend.kinds(ctx.model);
  const models: SweepModel[] = spec.layouts.map((l) => {
    const blocks = l === undefined ? checkpointOrder(kinds) : parseLayout(kinds, l);
    const arranged = backend.arrange(ctx.model, blocks);
    return { id: ctx.modelName, layout: formatLayout(kinds, blocks), tokenizer, decode: decoder(backend, arranged) };
  });
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
      const done = p.finished && wirePoint(p.finished);
      if (done) points.push(done);
      ctx.post({ type: 'sweep/progress', v, sweepId, done: p.done, total: p.total, etaMs: p.etaMs, ...(done ? { point: done } : {}) });
    },
  });
  ctx.post({ type: 'sweep/done', v, sweepId, status: result.cancelled ? 'cancelled' : 'complete', points });
}
