// One run, the only run pipeline: prompt (phonebook or text) → a layer record as each block finishes
// → greedy tokens → the scored answer. The service (app/service.ts) streams its events to a UI; the
// records are the ones a trace file holds (records.ts).
//
// Between blocks, and at most every 8 ms between tokens, the run gives its host a turn (`pause`) and
// then asks whether it should stop: a block is never interrupted, so a cancel takes effect within one
// block. The capture budget is the engine's own (probes/budget.ts; its default in probes/plan.ts):
// every optional array is charged before it is allocated, and what does not fit is dropped with a
// notice (in the record, and as a `notice` event for the UI's list).
import { Digest } from './digest';
import { forwardSteps, forward, type ForwardResult } from './forward';
import { greedyTokens, type TokenChoice } from './generate';
import { editLayout } from './layout';
import type { Model } from './model';
import { scoreInBook, type Retrieved } from './phonebook/score';
import type { CaptureSpec } from './probes/plan';
import { DEFAULT_BUDGET_BYTES, DEFAULT_POOLED_SIZE } from './probes/plan';
import { preparePrompt, type PromptInfo, type PromptSpec } from './prompt';
import { recordBytes, type LayerRecord } from './records';
import type { Tokenizer } from './tokenizer';

export interface RunSpec {
  prompt: PromptSpec;
  /** The layout to run (engine/layout.ts notation); omitted: the checkpoint's own. */
  layout?: string;
  capture: CaptureSpec;
  maxNewTokens: number;
  /** Alternatives recorded per generated token. */
  topK: number;
}

/** What the app runs by default: every probe, overview maps of DEFAULT_POOLED_SIZE² cells, the 64 MB budget. */
export const DEFAULT_CAPTURE = {
  attention: true, ssm: true, states: true, focus: [] as number[], pooledSize: DEFAULT_POOLED_SIZE, budgetBytes: DEFAULT_BUDGET_BYTES,
};

/** The app's default probes on a prompt: DEFAULT_CAPTURE with its focus rows and phonebook entries, as a
 *  run records them (the bench's "default probes": these, with the query token as the one focus row). */
export function defaultCapture(focus: number[], entries: [number, number][]): CaptureSpec {
  return { ...DEFAULT_CAPTURE, focus, entries };
}

/** What a trace file records (`hybridscope trace`, the PyTorch capture): the same probes, no on-demand
 *  context (q/k, dt/B/C), which a file does not hold, and a 250 MB budget: a file on disk, meant for the
 *  models too large to run here (the study's 8B hybrid on a 4,000-token book needs ~470 MB for every
 *  array; 250 MB in fair shares keeps each layer's maps, state norms, states and dt, and the file with
 *  its header stays under 256 MB). */
export const TRACE_BUDGET_BYTES = 250_000_000;
export const TRACE_CAPTURE = { ...DEFAULT_CAPTURE, keepContext: false, budgetBytes: TRACE_BUDGET_BYTES };

export interface TokenAlt extends TokenChoice { text: string }

/** One generated token: its decoded text piece, log-probability and the top alternatives. */
export interface RunToken { step: number; id: number; text: string; logprob: number; top: TokenAlt[] }

export interface RunSummary {
  status: 'complete' | 'cancelled' | 'superseded';
  layout: string;
  /** Block order actually run (original indices). */
  blocks: number[];
  promptTokens: number;
  generatedIds: number[];
  generatedText: string;
  /** Phonebook runs: the expected answer, exact match of the first line, per-digit accuracy. */
  expected?: string;
  exact?: boolean;
  digitAccuracy?: number;
  /** A wrong answer that is another book entry's number (which, and the name it shares with the
   *  target); null otherwise, and in files saved before it existed. */
  retrieved?: Retrieved | null;
  /** Hash over every layer record's arrays: equal digests ⇒ the same records. */
  recordsDigest: string;
  /** Bytes the run's captures hold (records and what tiles are recomputed from). */
  captureBytes: number;
  timings: { firstLayerMs: number; prefillMs: number; msPerToken: number };
}

export type StopReason = 'cancelled' | 'superseded';

export type RunEvent =
  | { type: 'started'; prompt: PromptInfo; layout: string; blocks: number[] }
  | { type: 'layer'; record: LayerRecord }
  | { type: 'notice'; message: string }
  /** The prefill is done: on-demand tiles and states recompute from `result` (the run's model). */
  | { type: 'prefilled'; model: Model; result: ForwardResult }
  | ({ type: 'token' } & RunToken);

export interface RunControl {
  /** Gives the host a turn (its event loop), so that a cancel can arrive. */
  pause(): Promise<void>;
  /** Why the run should stop, asked after every pause. */
  stopped(): StopReason | null;
  /** Milliseconds, for the timings. */
  now(): number;
}

/** Tokens between which a run does not pause: a turn per token would cost more than the token. */
const TOKEN_PAUSE_MS = 8;

/** Runs `spec` on `model` (the checkpoint as loaded); the summary is the generator's return value. */
export async function* runModel(model: Model, spec: RunSpec, control: RunControl): AsyncGenerator<RunEvent, RunSummary> {
  const t0 = control.now();
  const arranged = spec.layout === undefined ? model : editLayout(model, spec.layout);
  const blocks = arranged.blocks.map((b) => b.index);
  const prompt = preparePrompt(arranged, spec.prompt);
  const T = prompt.ids.length;
  prompt.focus = [...new Set([...prompt.focus, ...(spec.capture.focus ?? []).filter((p) => p < T)])].sort((a, b) => a - b);
  const layout = arranged.layout;
  yield { type: 'started', prompt: { ...prompt, ids: prompt.ids.slice() }, layout, blocks };

  const digest = new Digest();
  let firstLayerMs = -1;
  let captureBytes = 0;
  const generated: number[] = [];
  let text = '';
  const summary = (status: RunSummary['status'], prefillMs: number, msPerToken: number): RunSummary => {
    const s: RunSummary = {
      status, layout, blocks, promptTokens: T, generatedIds: generated, generatedText: text, recordsDigest: digest.hex(),
      captureBytes, timings: { firstLayerMs: Math.max(0, firstLayerMs), prefillMs, msPerToken },
    };
    if (prompt.phonebook) {
      const { expected, entries, target } = prompt.phonebook;
      const { exact, digitAccuracy, retrieved } = scoreInBook(text, expected, entries, target);
      Object.assign(s, { expected, exact, digitAccuracy, retrieved });
    }
    return s;
  };

  const capture: CaptureSpec = { ...spec.capture, focus: prompt.focus, entries: prompt.phonebook?.entries.map((e) => e.tokens) ?? [] };
  const steps = forwardSteps(arranged, prompt.ids, capture, { lastLogitsOnly: true });
  let result: ForwardResult;
  try {
    for (let next = steps.next(); ; next = steps.next()) {
      if (next.done) {
        result = next.value;
        break;
      }
      const record = next.value;
      for (const message of record.notices ?? []) yield { type: 'notice', message: `layer ${record.index}: ${message}` };
      digest.addRecord(record);
      captureBytes += recordBytes(record); // what a run stopped now would have sent
      yield { type: 'layer', record };
      if (firstLayerMs < 0) firstLayerMs = control.now() - t0;
      await control.pause();
      const why = control.stopped();
      if (why) return summary(why, control.now() - t0, 0);
    }
  } finally {
    steps.return(undefined as never); // a stopped run lets go of its working arrays
  }
  for (const message of result.notices) yield { type: 'notice', message };
  captureBytes = result.captureBytes; // the records and what tiles are recomputed from
  const prefillMs = control.now() - t0;
  yield { type: 'prefilled', model: arranged, result };

  const tg = control.now();
  let lastPause = tg;
  // A phonebook answer ends at its line's end; free text runs to maxNewTokens.
  const stopAtNewline = spec.prompt.kind === 'phonebook';
  // an alternative's text is what it would have written (" 6", not the byte-level symbol "Ġ6");
  // its id where the tokenizer has no such token
  const tok = arranged.tokenizer;
  const name = (id: number) => (tok?.idToToken(id) === undefined ? String(id) : tok.decode([id]));
  let step = 0;
  for (const choice of greedyTokens(arranged, result.state, result.logits.data, spec.maxNewTokens, spec.topK)) {
    generated.push(choice.id);
    const piece = newText(arranged.tokenizer, generated);
    text += piece;
    yield { type: 'token', step: step++, id: choice.id, text: piece, logprob: choice.logprob, top: choice.top.map((c) => ({ ...c, text: name(c.id) })) };
    if (stopAtNewline && piece.includes('\n') && text.trim().length > 0) break;
    if (control.now() - lastPause > TOKEN_PAUSE_MS) {
      await control.pause();
      lastPause = control.now();
      const why = control.stopped();
      if (why) return summary(why, prefillMs, 0);
    }
  }
  return summary('complete', prefillMs, generated.length > 0 ? (control.now() - tg) / generated.length : 0);
}

/** Runs a few tokens through every code path a run takes (probes included), so the first real run
 *  is not the one that pays for JIT compilation. */
export function warmUp(model: Model): void {
  const V = model.embeddings.V;
  const T = Math.min(16, V);
  const ids = Int32Array.from({ length: T }, (_, i) => i % V);
  const r = forward(model, ids, defaultCapture([T - 1], [[0, 4], [4, 8]]), { lastLogitsOnly: true });
  for (const token of greedyTokens(model, r.state, r.logits.data, 2, 1)) void token;
}

/** What the last of `ids` adds to the decoded text. Decoders may merge a token with its neighbours
 *  (spaces, byte pieces), so the piece is the difference of two decodes over a short window of
 *  recent tokens rather than the token alone; the window keeps a long generation linear. */
function newText(tok: Tokenizer | undefined, ids: number[]): string {
  if (!tok) return `${ids.length > 1 ? ' ' : ''}${ids[ids.length - 1]}`;
  const decode = (part: number[]) => (part.length > 0 ? tok.decode(part) : ''); // decode([]) throws
  const from = Math.max(0, ids.length - 8);
  const before = decode(ids.slice(from, -1));
  const after = decode(ids.slice(from));
  return after.startsWith(before) ? after.slice(before.length) : decode(ids).slice(decode(ids.slice(0, -1)).length);
}
