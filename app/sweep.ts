// A recall sweep: phonebook accuracy over layouts × entries × depths, `samples` prompts per point,
// greedy answers only (no captures). Progress after every sample; cancel is checked between samples.
import type { Backend } from './backend';
import type { Clock } from './clock';
import { layoutString, resolveLayout } from './layout';
import type { EngineEvent, SweepPoint, SweepSpec } from './protocol';
import { PROTOCOL_VERSION } from './protocol';
import { scoreAnswer } from '../engine/phonebook/score';

export interface SweepContext<M> {
  sweepId: number;
  spec: SweepSpec;
  model: M;
  backend: Backend<M>;
  clock: Clock;
  post(event: EngineEvent): void;
  cancelled(): boolean;
}

/** Enough for `NNN-NNN-NNNN` plus a newline in a word-level tokenizer with one token per digit. */
const ANSWER_TOKENS = 16;

/** The seed of one sample: distinct per sample and shared across layouts and depths, so curves
 *  compare models on the same books. */
export function sampleSeed(seed: number, entries: number, sample: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 31) + entries * 1_000_003 + sample) >>> 0;
}

export async function executeSweep<M>(ctx: SweepContext<M>): Promise<void> {
  const { spec, backend, sweepId } = ctx;
  const v = PROTOCOL_VERSION;
  const kinds = backend.kinds(ctx.model);
  const arranged = spec.layouts.map((l) => {
    const blocks = resolveLayout(kinds, l);
    return { layout: layoutString(kinds, blocks), model: backend.arrange(ctx.model, blocks) };
  });
  const total = arranged.length * spec.entries.length * spec.depths.length * spec.samples;
  const points: SweepPoint[] = [];
  let done = 0;
  for (const { layout, model } of arranged) {
    for (const entries of spec.entries) {
      for (const depth of spec.depths) {
        let exact = 0, digits = 0, tokens = 0;
        for (let sample = 0; sample < spec.samples; sample++) {
          const prompt = backend.prompt(model, {
            kind: 'phonebook', seed: sampleSeed(spec.seed, entries, sample),
            spec: { entries, depth, variant: spec.variant, format: spec.format, fewShot: spec.fewShot },
          });
          let text = '';
          const steps = backend.generate(model, prompt.ids, undefined, ANSWER_TOKENS, 0, true);
          for (let s = steps.next(); !s.done; s = steps.next()) text += s.value.text;
          const score = scoreAnswer(text, prompt.phonebook?.expected ?? '');
          exact += score.exact ? 1 : 0;
          digits += score.digitAccuracy;
          tokens += prompt.ids.length;
          done++;
          const point: SweepPoint | undefined = sample === spec.samples - 1
            ? { layout, entries, depth, samples: spec.samples, accuracy: exact / spec.samples, digitAccuracy: digits / spec.samples, meanTokens: tokens / spec.samples }
            : undefined;
          if (point) points.push(point);
          ctx.post({ type: 'sweep/progress', v, sweepId, done, total, ...(point ? { point } : {}) });
          await ctx.clock.yield();
          if (ctx.cancelled()) return ctx.post({ type: 'sweep/done', v, sweepId, status: 'cancelled', points });
        }
      }
    }
  }
  ctx.post({ type: 'sweep/done', v, sweepId, status: 'complete', points });
}
