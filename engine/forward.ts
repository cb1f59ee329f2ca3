// The streaming forward pass: embed → for each block x += mixer(norm(x)), yielding one LayerRecord
// per block as soon as it is done → final norm → head. Also the full outputs transformers reports
// (hidden states by its per-class convention, attention probabilities, final SSM states) for the
// CLI and the parity tests.
import { InputError } from './errors';
import { checkRunFits } from './io/memory';
import { kernels } from './kernels/backend';
import { widen } from './kernels/widen';
import * as attention from './layers/attention';
import * as mamba1 from './layers/mamba1';
import * as mamba2 from './layers/mamba2';
import * as mlp from './layers/mlp';
import * as moe from './layers/moe';
import { applyNorm } from './layers/norm';
import { releaseWorking, working } from './layers/working';
import * as parallel from './layers/parallel';
import * as shared from './layers/shared';
import type { CompoundState, KVCache, LayerState, Mamba2State } from './layers/state';
import { initState, ssmOf } from './layers/state';
import type { AttentionMixer, Block, Mamba2Mixer, Model } from './model';
import { attentionCapture } from './probes/attention-probe';
import type { AttentionContext } from './probes/attention-probe';
import { CaptureBudget } from './probes/budget';
import type { CapturePlan } from './probes/plan';
import { planCapture, wants, wantsNamed } from './probes/plan';
import type { Mamba1Context, Mamba2Context } from './probes/ssm-probe';
import { mamba1Capture, mamba2Capture } from './probes/ssm-probe';
import type { CaptureSpec } from './probes/plan';
import type { LayerRecord } from './records';
import type { Tensor } from './tensor';

export interface ModelState {
  /** One state per block of the run's layout, in run order. */
  layers: LayerState[];
  /** Tokens consumed so far. */
  position: number;
}

/** A compound block (parallel, shared) keeps its attention part's and its Mamba-2 part's contexts. */
export interface CompoundContext { kind: 'compound'; attention?: AttentionContext; ssm?: Mamba2Context }
export type LayerContext = AttentionContext | Mamba2Context | Mamba1Context | CompoundContext;

/** What on-demand tiles are recomputed from, per layout position (undefined where not kept). */
export interface RunContext {
  ids: Int32Array;
  layers: (LayerContext | undefined)[];
}

export interface ForwardOptions {
  /** Full outputs as transformers reports them (for the CLI and parity): hidden states, attention probs, SSM states. */
  outputs?: { hidden?: boolean; attentions?: boolean; ssmStates?: boolean };
  /** Continue from this state (generation); probes are only recorded for a run that starts at position 0. */
  state?: ModelState;
  /** Compute logits for the last token only (prefill for generation). */
  lastLogitsOnly?: boolean;
}

export interface ForwardResult {
  logits: Tensor; // (T, V), or (1, V) with lastLogitsOnly
  state: ModelState;
  /** transformers' output_hidden_states for this class: L + 1 tensors (T, D). */
  hiddenStates?: Tensor[];
  /** (H, T, T) by layout position. */
  attentions?: Record<number, Tensor>;
  /** Final SSM state by layout position: Mamba-2 (H, P, N), Mamba-1 (I, N). */
  ssmStates?: Record<number, Tensor>;
  context: RunContext;
  notices: string[];
  captureBytes: number;
}

export function initModelState(model: Model): ModelState {
  return { layers: model.blocks.map((b) => initState(b)), position: 0 };
}

export function* forwardSteps(
  model: Model, ids: Int32Array | number[], capture?: CaptureSpec, options: ForwardOptions = {},
): Generator<LayerRecord, ForwardResult> {
  const T = ids.length;
  const { V, D } = model.embeddings;
  if (T === 0) throw new InputError('no input ids');
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new InputError(`token id ${id} is outside the vocabulary 0..${V - 1}`);
  }
  const state = options.state ?? initModelState(model);
  if (state.layers.length !== model.blocks.length) throw new InputError('state does not match the model layout');
  const fresh = state.position === 0;
  const plan = planCapture(fresh ? capture : { defaults: false, keepContext: false }, T);
  if (fresh) checkRunFits(model, T, plan.budgetBytes);
  const budget = new CaptureBudget(plan.budgetBytes);
  // The per-token norms of every block are always kept; reserve them before anything optional.
  budget.charge(model.blocks.length * 2 * T * 4);
  const out = options.outputs ?? {};
  const context: RunContext = { ids: Int32Array.from(ids), layers: [] };
  const result: Partial<ForwardResult> = {};
  if (out.hidden) result.hiddenStates = [];
  if (out.attentions) result.attentions = {};
  if (out.ssmStates) result.ssmStates = {};

  // The residual stream in the kernels' memory where the backend places arrays: the norm before each
  // block and the residual add after it read and write it there, instead of copying it in and out
  // (~32 copies of 1 MB in a 1k transformer prefill). The run's own, handed back at its end.
  const final = new Float32Array(T * D); // the final norm's output, written from the placed stream
  const be = kernels();
  const stream = be.placeWorking?.(T * D);
  try { // a run given up (return/throw) lets the working arrays and the stream go too
    const x = embed(model, ids, stream); // (T, D)
    const x0 = model.blocks.some((b) => b.kind === 'shared') ? x.slice() : x; // the embeddings, for shared blocks (read before x changes)
    const { convention, blocksPerLayer } = model.hiddenStates;
    for (let i = 0; i < model.blocks.length; i++) {
      const block = model.blocks[i];
      const started = Date.now();
      if (result.hiddenStates && convention === 'input' && i % blocksPerLayer === 0) result.hiddenStates.push(t2(x.slice(), T, D));
      const normed = blockInput(block, x, x0, T, D);
      const record = newRecord(block, i, T, plan);
      budget.beginLayer(block.kind === 'mlp' ? 0 : probeLayersFrom(model, i));
      const y = runBlock(block, normed, x, T, state.layers[i], { plan, budget, record, context, i, result, fresh });
      addContribution(x, y, block.scale, { T, D, contribution: record.contributionNorm, residual: record.residualNorm });
      if (result.hiddenStates && convention === 'output') result.hiddenStates.push(t2(x.slice(), T, D));
      const ssm = ssmOf(state.layers[i]);
      const ssmName = partNames(block).ssm;
      if (ssm && (out.ssmStates || wantsNamed(plan, ssmName, 'ssm_state'))) {
        const s = ssmStateTensor(block, ssm.ssm);
        if (out.ssmStates) result.ssmStates![i] = s;
        if (wantsNamed(plan, ssmName, 'ssm_state') && budget.take(s.data.byteLength, `${ssmName}.ssm_state`, true)) record.named[`${ssmName}.ssm_state`] = s;
      }
      if (fresh && wants(plan, block, 'output') && budget.take(x.byteLength, `${block.name}.output`, true)) {
        record.named[`${block.name}.output`] = t2(x.slice(), T, D);
      }
      record.notices.push(...budget.notices.splice(0));
      record.ms = Date.now() - started;
      yield closed(record);
    }
    applyNorm(final, x, model.normF, T);
  } finally {
    releaseWorking();
    if (stream) be.freeWorking?.(stream);
  }
  state.position += T;

  if (result.hiddenStates) result.hiddenStates.push(t2(final, T, D));
  const rows = options.lastLogitsOnly ? 1 : T;
  const logits = new Float32Array(rows * V);
  head(logits, model, options.lastLogitsOnly ? final.subarray((T - 1) * D) : final, rows);
  return {
    ...result, logits: t2(logits, rows, V), state, context, notices: plan.notices, captureBytes: budget.used,
  } as ForwardResult;
}

/** Run to completion, discarding the streamed records. */
export function forward(model: Model, ids: Int32Array | number[], capture?: CaptureSpec, options?: ForwardOptions): ForwardResult {
  const it = forwardSteps(model, ids, capture, options);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** Blocks from `i` on that record probes (every kind but a dense MLP): the capture budget's fair shares. */
function probeLayersFrom(model: Model, i: number): number {
  let n = 0;
  for (let j = i; j < model.blocks.length; j++) if (model.blocks[j].kind !== 'mlp') n++;
  return n;
}

/** What a block writes its captures into while it runs. */
interface BlockRun {
  plan: CapturePlan; budget: CaptureBudget; record: OpenRecord; context: RunContext;
  /** Layout position. */
  i: number;
  result: Partial<ForwardResult>;
  fresh: boolean;
}

/** The names a block's attention and SSM captures go by: its own, or its parts' inside a compound block. */
function partNames(block: Block): { attention: string; ssm: string } {
  return block.kind === 'parallel' || block.kind === 'shared' ? { attention: block.mixer.attentionName, ssm: block.mixer.mambaName } : { attention: block.name, ssm: block.name };
}

/**
 * A block's normed input: norm(x), or for a shared block norm([x, x0]) (T, 2D). A working array (no
 * block keeps its input, layers/working.ts).
 */
export function blockInput(block: Block, x: Float32Array, x0: Float32Array, T: number, D: number): Float32Array {
  const input = block.kind === 'shared' ? shared.withEmbeddings(x, x0, T, D) : x;
  const normed = working('block input', input.length);
  applyNorm(normed, input, block.norm, T);
  return normed;
}

function runBlock(block: Block, normed: Float32Array, stream: Float32Array, T: number, s: LayerState, r: BlockRun): Float32Array {
  switch (block.kind) {
    case 'mlp':
      return mlp.forward(block.mixer, normed, T);
    case 'moe': {
      const m = block.mixer;
      return moe.forward(m, normed, T, r.plan.moe ? (routing) => {
        if (!r.budget.take(2 * routing.experts.length * 4, `${block.name} expert routing`)) return;
        r.record.moe = {
          E: m.E, topK: m.topK,
          experts: { dtype: 'f32', shape: [T, m.topK], data: Float32Array.from(routing.experts) },
          weights: { dtype: 'f32', shape: [T, m.topK], data: routing.weights },
        };
      } : undefined);
    }
    case 'attention': {
      const cap = captureAttention(block.mixer, block.name, T, r);
      const y = attention.forward(block.mixer, normed, T, s as KVCache, cap.capture);
      r.context.layers[r.i] = cap.done();
      return y;
    }
    case 'mamba2': {
      const cap = captureMamba2(block.mixer, block.name, T, r);
      const y = mamba2.forward(block.mixer, normed, T, s as Mamba2State, cap.capture);
      r.context.layers[r.i] = cap.done();
      return y;
    }
    case 'mamba1': {
      const run = mamba1Capture(block.mixer, T, r.plan, r.budget, block.name);
      const y = mamba1.forward(block.mixer, normed, T, s as Extract<LayerState, { kind: 'mamba1' }>, run.capture);
      r.record.ssm = run.probe;
      r.context.layers[r.i] = run.context;
      return y;
    }
    case 'parallel': {
      const m = block.mixer;
      const a = captureAttention(m.attention, m.attentionName, T, r);
      const b = captureMamba2(m.mamba, m.mambaName, T, r);
      const y = parallel.forward(m, normed, T, s as CompoundState, { attention: a.capture, mamba: b.capture });
      r.context.layers[r.i] = { kind: 'compound', attention: a.done(), ssm: b.done() };
      return y;
    }
    case 'shared': {
      const m = block.mixer;
      const a = captureAttention(m.attention, m.attentionName, T, r);
      const b = captureMamba2(m.mamba, m.mambaName, T, r);
      const y = shared.forward(m, normed, stream, T, s as CompoundState, { attention: a.capture, mamba: b.capture });
      r.context.layers[r.i] = { kind: 'compound', attention: a.done(), ssm: b.done() };
      return y;
    }
  }
}

/** Attention captures of a block or part named `name`: the record's `attention`, the full map when
 *  asked (CLI, parity) or named, and what tiles are recomputed from (returned by `done`). */
function captureAttention(m: AttentionMixer, name: string, T: number, r: BlockRun) {
  const named = r.fresh && wantsNamed(r.plan, name, 'attn_probs');
  const run = attentionCapture(m, T, r.plan, r.budget, name, !!r.result.attentions || named);
  return {
    capture: run.capture,
    done: () => {
      r.record.attention = run.probe;
      if (run.full) {
        if (r.result.attentions) r.result.attentions[r.i] = run.full;
        if (named) r.record.named[`${name}.attn_probs`] = run.full;
      }
      return run.context;
    },
  };
}

function captureMamba2(m: Mamba2Mixer, name: string, T: number, r: BlockRun) {
  const run = mamba2Capture(m, T, r.plan, r.budget, name);
  return {
    capture: run.capture,
    done: () => {
      r.record.ssm = run.probe;
      return run.context;
    },
  };
}

/** The embedding rows of `ids` (T, D), times the model's embedding multiplier, into `into` if given. */
export function embed(model: Model, ids: ArrayLike<number>, into?: Float32Array): Float32Array {
  const { D, weight } = model.embeddings;
  const x = into ?? new Float32Array(ids.length * D);
  // each distinct id's row widened once (16-bit rows through a table), then copied: a prompt of
  // thousands of tokens has a few hundred distinct ids
  const firstAt = new Map<number, number>();
  for (let t = 0; t < ids.length; t++) {
    const seen = firstAt.get(ids[t]);
    if (seen === undefined) {
      widen(x, t * D, weight, ids[t] * D, D);
      firstAt.set(ids[t], t);
    } else {
      x.copyWithin(t * D, seen * D, seen * D + D);
    }
  }
  if (model.embeddingScale !== undefined) for (let j = 0; j < x.length; j++) x[j] *= model.embeddingScale;
  return x;
}

/**
 * x += scale · y, and y itself becomes what was added (so the block's contribution norm is what the
 * stream got); with `norms`, the rows' norms of y and of x after it are written there (residualAdd).
 */
export function addContribution(
  x: Float32Array, y: Float32Array, scale?: number, norms?: { T: number; D: number; contribution: Float32Array; residual: Float32Array },
): void {
  if (scale !== undefined && scale !== 1) for (let j = 0; j < y.length; j++) y[j] *= scale;
  if (norms) kernels().residualAdd(x, y, norms.T, norms.D, norms.contribution, norms.residual);
  else for (let j = 0; j < x.length; j++) x[j] += y[j];
}

/** logits (rows, V) of the normed final stream x (rows, D), times the model's logits multiplier. */
export function head(logits: Float32Array, model: Model, x: Float32Array, rows: number): void {
  const { D, V } = model.embeddings;
  kernels().matmul(logits, x, model.lmHead.weight, rows, D, V, model.lmHead.bias);
  if (model.logitScale !== undefined) for (let j = 0; j < logits.length; j++) logits[j] *= model.logitScale;
}

/** A record while its block runs: `named` and `notices` are filled in place. */
type OpenRecord = LayerRecord & Required<Pick<LayerRecord, 'named' | 'notices'>>;

function newRecord(block: Block, index: number, T: number, plan: CapturePlan): OpenRecord {
  return {
    index, block: block.index, kind: block.kind, name: block.name, T,
    residualNorm: new Float32Array(T), contributionNorm: new Float32Array(T),
    focus: Array.from(plan.focus), named: {}, notices: [], ms: 0,
  };
}

/** The record as it travels: `named` and `notices` only when there is something in them. */
function closed({ named, notices, ...rest }: OpenRecord): LayerRecord {
  return { ...rest, ...(Object.keys(named).length > 0 ? { named } : {}), ...(notices.length > 0 ? { notices } : {}) };
}

function ssmStateTensor(block: Block, ssm: Float64Array | Float32Array): Tensor {
  const m2 = block.kind === 'mamba2' ? block.mixer : block.kind === 'parallel' || block.kind === 'shared' ? block.mixer.mamba : undefined;
  const shape = m2 ? [m2.H, m2.P, m2.N] : block.kind === 'mamba1' ? [block.mixer.I, block.mixer.N] : [ssm.length];
  return { dtype: 'f32', shape, data: Float32Array.from(ssm) };
}

function t2(data: Float32Array, a: number, b: number): Tensor {
  return { dtype: 'f32', shape: [a, b], data };
}
