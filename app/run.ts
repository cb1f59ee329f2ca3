// One run: prompt → per-block records streamed as each block finishes → greedy tokens → summary.
// Between blocks (and every few ms between tokens) the run yields to the host's event loop and then
// checks whether it was cancelled or superseded; a block is never interrupted, so a cancel takes
// effect within one block. The capture budget is applied here, on what the run sends and the UI holds.
import type { Backend, ForwardCapture, Prefilled } from './backend';
import type { Clock } from './clock';
import type { EngineEvent, RunSpec, RunSummary } from './protocol';
import { PROTOCOL_VERSION } from './protocol';
import { sendLayer } from './transfer';
import { formatLayout, type BlockKind } from '../engine/layout';
import { Digest } from './digest';
import type { LayerRecordWire } from './records';
import { recordBytes } from './records';
import { scoreInBook } from '../engine/phonebook/score';

export type StopReason = 'cancelled' | 'superseded';

export interface RunContext<M> {
  runId: number;
  spec: RunSpec;
  /** The model arranged in the run's layout, and that arrangement (original indices). */
  model: M;
  blocks: number[];
  kinds: BlockKind[];
  backend: Backend<M>;
  clock: Clock;
  post(event: EngineEvent, transfer?: ArrayBuffer[]): void;
  /** Why the run should stop, checked after every yield. */
  stopped(): StopReason | null;
  /** Called once the prefill is done, so on-demand tiles/states can recompute from what it kept. */
  onPrefill(prefilled: Prefilled): void;
}

/** What goes first when a record would exceed the budget (the per-token norms always stay);
 *  `*` drops the whole group. */
const DROP_ORDER: ['ssm' | 'attention', string][] = [
  ['ssm', 'pooled'], ['attention', 'pooled'], ['ssm', 'states'], ['ssm', 'implicitRows'],
  ['ssm', 'decay'], ['ssm', 'entryMass'], ['attention', 'entryMass'], ['attention', '*'], ['ssm', '*'],
];

/** Drops optional arrays until `record` fits in `left` bytes; returns the paths dropped. */
function fitBudget(record: LayerRecordWire, left: number): string[] {
  const dropped: string[] = [];
  for (const [group, key] of DROP_ORDER) {
    if (recordBytes(record) <= left) break;
    const g = record[group] as Record<string, unknown> | undefined;
    if (!g) continue;
    if (key === '*') delete record[group];
    else if (g[key] !== undefined) delete g[key];
    else continue;
    dropped.push(key === '*' ? group : `${group}.${key}`);
  }
  return dropped;
}

export async function executeRun<M>(ctx: RunContext<M>): Promise<void> {
  const { runId, spec, backend, clock } = ctx;
  const v = PROTOCOL_VERSION;
  const t0 = clock.now();
  const prompt = backend.prompt(ctx.model, spec.prompt);
  const T = prompt.ids.length;
  const focus = [...new Set([...prompt.focus, ...spec.capture.focus.filter((p) => p < T)])].sort((a, b) => a - b);
  prompt.focus = focus;
  const layout = formatLayout(ctx.kinds, ctx.blocks);
  ctx.post({ type: 'run/started', v, runId, prompt: { ...prompt, ids: prompt.ids.slice() }, layout, blocks: ctx.blocks });
  const capture: ForwardCapture = {
    ...spec.capture, focus,
    entrySpans: prompt.phonebook?.entries.map((e) => e.tokens) ?? [],
  };
  const digest = new Digest();
  let captureBytes = 0;
  let firstLayerMs = -1;
  const summary = (status: RunSummary['status'], generated: number[], text: string, prefillMs: number, msPerToken: number): RunSummary => {
    const s: RunSummary = {
      status, layout, blocks: ctx.blocks, promptTokens: T, generatedIds: generated, generatedText: text,
      recordsDigest: digest.hex(), captureBytes,
      timings: { firstLayerMs: Math.max(0, firstLayerMs), prefillMs, msPerToken },
    };
    if (prompt.phonebook) {
      const { expected, entries, target } = prompt.phonebook;
      const { exact, digitAccuracy, retrieved } = scoreInBook(text, expected, entries, target);
      Object.assign(s, { expected, exact, digitAccuracy, retrieved });
    }
    return s;
  };
  // A stopped run still reports what it produced so far (its tokens were already streamed).
  const stop = (reason: StopReason, prefillMs = clock.now() - t0, generated: number[] = [], text = '') =>
    ctx.post({ type: 'run/done', v, runId, summary: summary(reason, generated, text, prefillMs, 0) });

  const steps = backend.forward(ctx.model, prompt.ids, capture);
  let prefilled: Prefilled;
  for (;;) {
    const tb = clock.now();
    const next = steps.next();
    if (next.done) {
      prefilled = next.value;
      break;
    }
    const record = next.value;
    record.ms = clock.now() - tb;
    for (const message of record.notices ?? []) ctx.post({ type: 'run/notice', v, runId, message: `layer ${record.index}: ${message}` });
    delete record.notices;
    const dropped = fitBudget(record, spec.capture.budgetBytes - captureBytes);
    if (dropped.length > 0) {
      ctx.post({ type: 'run/notice', v, runId, message: `layer ${record.index}: capture budget of ${spec.capture.budgetBytes} bytes reached, dropped ${dropped.join(', ')}` });
    }
    captureBytes += recordBytes(record);
    digest.addRecord(record);
    sendLayer(runId, record, ctx.post);
    if (firstLayerMs < 0) firstLayerMs = clock.now() - t0;
    await clock.yield();
    const why = ctx.stopped();
    if (why) return stop(why);
  }
  const prefillMs = clock.now() - t0;
  ctx.onPrefill(prefilled);

  const generated: number[] = [];
  let text = '';
  const tg = clock.now();
  let lastYield = tg;
  const isPhonebook = spec.prompt.kind === 'phonebook';
  const tokens = backend.generate(ctx.model, prompt.ids, prefilled, spec.maxNewTokens, spec.topK, isPhonebook);
  for (let step = 0; ; step++) {
    const next = tokens.next();
    if (next.done) break;
    const t = next.value;
    generated.push(t.id);
    text += t.text;
    ctx.post({ type: 'run/token', v, runId, step, id: t.id, text: t.text, logprob: t.logprob, top: t.top });
    // Yield at most every 8 ms: a turn per token would cost more than the token at 200 tokens/s.
    if (clock.now() - lastYield > 8) {
      await clock.yield();
      lastYield = clock.now();
      const why = ctx.stopped();
      if (why) return stop(why, prefillMs, generated, text);
    }
  }
  const msPerToken = generated.length > 0 ? (clock.now() - tg) / generated.length : 0;
  ctx.post({ type: 'run/done', v, runId, summary: summary('complete', generated, text, prefillMs, msPerToken) });
}
