// A recall sweep: engine/phonebook's runSweep (the same books, seeds and scoring as the CLI's
// `phonebook` command) over layouts of the open model × entries × depths, greedy answers only, no
// captures. Progress after every sample with the point it completed; cancel between samples.
import { editLayout, greedyDecoder, runSweep, type Model, type SweepModel, type SweepPoint } from '../engine';
import type { Clock } from './clock';
import type { EngineEvent, SweepRequest } from './protocol';
import { PROTOCOL_VERSION } from './protocol';

export interface SweepContext {
  sweepId: number;
  spec: SweepRequest;
  model: Model;
  /** A name for the model in the results (bundled id or folder). */
  modelName: string;
  clock: Clock;
  post(event: EngineEvent): void;
  cancelled(): boolean;
}

export async function executeSweep(ctx: SweepContext): Promise<void> {
  const { spec, sweepId } = ctx;
  const v = PROTOCOL_VERSION;
  const tokenizer = ctx.model.tokenizer;
  if (!tokenizer) throw new Error('a sweep needs the model\'s tokenizer.json');
  const models: SweepModel[] = spec.layouts.map((l) => {
    const arranged = l === undefined ? ctx.model : editLayout(ctx.model, l);
    return { id: ctx.modelName, layout: arranged.layout, tokenizer, decode: greedyDecoder(arranged) };
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
      const done = p.finished;
      if (done) points.push(done);
      ctx.post({ type: 'sweep/progress', v, sweepId, done: p.done, total: p.total, etaMs: p.etaMs, ...(done ? { point: done } : {}) });
    },
  });
  ctx.post({ type: 'sweep/done', v, sweepId, status: result.cancelled ? 'cancelled' : 'complete', points });
}
