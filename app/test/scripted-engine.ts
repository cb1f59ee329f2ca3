// A scripted engine for service tests whose timing must not depend on model speed: each block
// "computes" by spinning for `msPerBlock` (the service cannot interrupt a block, just as with the real
// engine), records are functions of the ids and the block, and the answer is digits of the prompt
// length. Model open and layouts go through the real engine, so their failures are real ones; the
// event sequence and control checks follow engine/run.ts.
import { inspectCheckpoint, loadModel } from '../../engine/io/checkpoint';
import { editLayout } from '../../engine/layout';
import type { LayerRecord } from '../../engine/records';
import type { RunEvent, RunSummary } from '../../engine/run';
import type { EngineApi } from '../engine-api';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* a block computing */ }
}

export function scriptedEngine(opts: { msPerBlock: number; arraysPerBlock?: number }): EngineApi & { blocksRun: number } {
  const engine = {
    blocksRun: 0,
    inspect: inspectCheckpoint,
    load: loadModel,
    warmUp: () => undefined,
    async *run(model, spec, control): AsyncGenerator<RunEvent, RunSummary> {
      const arranged = spec.layout === undefined ? model : editLayout(model, spec.layout);
      const blocks = arranged.blocks.map((b) => b.index);
      const text = spec.prompt.kind === 'text' ? spec.prompt.text : 'phonebook';
      const ids = spec.prompt.kind === 'ids' ? Int32Array.from(spec.prompt.ids) : Int32Array.from(text, (c) => c.charCodeAt(0) % 64);
      const T = ids.length;
      yield { type: 'started', prompt: { ids, tokens: Array.from(ids, String), focus: [T - 1] }, layout: arranged.layout, blocks };
      const generatedIds: number[] = [];
      const summary = (status: RunSummary['status'], generatedText = ''): RunSummary => ({
        status, layout: arranged.layout, blocks, promptTokens: T, generatedIds, generatedText, recordsDigest: '', captureBytes: 0,
        timings: { firstLayerMs: 0, prefillMs: 0, msPerToken: 0 },
      });
      for (let i = 0; i < blocks.length; i++) {
        spin(opts.msPerBlock);
        engine.blocksRun++;
        const b = blocks[i];
        const norm = Float32Array.from(ids, (id, t) => id + b * 100 + t);
        const record: LayerRecord = {
          index: i, block: b, kind: arranged.blocks[i].kind, name: `layers.${b}.mixer`, T, residualNorm: norm,
          contributionNorm: norm.map((x) => x / 2), focus: [T - 1], ms: opts.msPerBlock,
        };
        if (opts.arraysPerBlock) {
          record.attention = { H: 1, focusProbs: { dtype: 'f32', shape: [opts.arraysPerBlock], data: new Float32Array(opts.arraysPerBlock).fill(b) } };
        }
        yield { type: 'layer', record };
        await control.pause();
        const why = control.stopped();
        if (why) return summary(why);
      }
      let out = '';
      for (let s = 0; s < spec.maxNewTokens; s++) {
        const piece = String((T + s) % 10);
        out += piece;
        generatedIds.push(s);
        yield { type: 'token', step: s, id: s, text: piece, logprob: -0.1, top: [] };
      }
      return summary('complete', out);
    },
  } satisfies EngineApi & { blocksRun: number };
  return engine;
}
