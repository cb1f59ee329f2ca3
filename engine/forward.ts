// The streaming forward pass: embed → for each block x += mixer(norm(x)), yielding one LayerRecord
// per block as soon as it is done → final norm → head. Also the full outputs transformers reports
// (hidden states by its per-class convention, attention probabilities, final SSM states) for the
// CLI and the parity tests.
import { InputError } from './errors';
import { checkRunFits } from './io/memory';
import { kernels } from './kernels/backend';
import { widen } from './kernels/widen';
import { rowNorms } from './kernels/rmsnorm';
import * as attention from './layers/attention';
import * as mamba1 from './layers/mamba1';
import * as mamba2 from './layers/mamba2';
import * as mlp from './layers/mlp';
import { applyNorm } from './layers/norm';
import { releaseWorking, working } from './layers/working';
import type { LayerState } from './layers/state';
import { initState } from './layers/state';
import type { Block, Model } from './model';
import { attentionCapture } from './probes/attention-probe';
import type { AttentionContext } from './probes/attention-probe';
import { CaptureBudget } from './probes/budget';
import type { CapturePlan } from './probes/plan';
import { planCapture, wants } from './probes/plan';
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

export type LayerContext = AttentionContext | Mamba2Context | Mamba1Context;

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

  let x = new Float32Array(T * D); // (T, D)
  for (let t = 0; t < T; t++) widen(x, t * D, model.embeddings.weight, ids[t] * D, D);
  const { convention, blocksPerLayer } = model.hiddenStates;

  try { // a run given up (return/throw) lets the working arrays go too
    for (let i = 0; i < model.blocks.length; i++) {
      const block = model.blocks[i];
      const started = Date.now();
      if (result.hiddenStates && convention === 'input' && i % blocksPerLayer === 0) result.hiddenStates.push(t2(x.slice(), T, D));
      const normed = working('block input', T * D); // no block keeps its input (layers/working.ts)
      applyNorm(normed, x, block.norm, T);
      const record = newRecord(block, i, T, plan);
      const wantFullAttn = !!out.attentions || (fresh && wants(plan, block, 'attn_probs'));
      const y = runBlock(block, normed, T, state.layers[i], plan, budget, record, context, i, wantFullAttn, result);
      rowNorms(record.contributionNorm, y, T, D);
      for (let j = 0; j < x.length; j++) x[j] += y[j];
      rowNorms(record.residualNorm, x, T, D);
      if (result.hiddenStates && convention === 'output') result.hiddenStates.push(t2(x.slice(), T, D));
      const layerState = state.layers[i];
      if ((layerState.kind === 'mamba2' || layerState.kind === 'mamba1') && (out.ssmStates || wants(plan, block, 'ssm_state'))) {
        const s = ssmStateTensor(block, layerState.ssm);
        if (out.ssmStates) result.ssmStates![i] = s;
        if (wants(plan, block, 'ssm_state') && budget.take(s.data.byteLength, `${block.name}.ssm_state`)) record.named[`${block.name}.ssm_state`] = s;
      }
      if (fresh && wants(plan, block, 'output') && budget.take(x.byteLength, `${block.name}.output`)) {
        record.named[`${block.name}.output`] = t2(x.slice(), T, D);
      }
      record.notices.push(...budget.notices.splice(0));
      record.ms = Date.now() - started;
      yield closed(record);
    }
  } finally {
    releaseWorking();
  }
  state.position += T;

  const final = new Float32Array(T * D);
  applyNorm(final, x, model.normF, T);
  if (result.hiddenStates) result.hiddenStates.push(t2(final, T, D));
  x = options.lastLogitsOnly ? final.subarray((T - 1) * D) : final;
  const rows = options.lastLogitsOnly ? 1 : T;
  const logits = new Float32Array(rows * V);
  kernels().matmul(logits, x, model.lmHead.weight, rows, D, V, model.lmHead.bias);
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

function runBlock(
  block: Block, normed: Float32Array, T: number, s: LayerState, plan: CapturePlan, budget: CaptureBudget,
  record: OpenRecord, context: RunContext, i: number, wantFullAttn: boolean, result: Partial<ForwardResult>,
): Float32Array {
  switch (block.kind) {
    case 'mlp':
      return mlp.forward(block.mixer, normed, T);
    case 'attention': {
      const run = attentionCapture(block.mixer, T, plan, budget, block.name, wantFullAttn);
      const y = attention.forward(block.mixer, normed, T, s as Extract<LayerState, { kind: 'attention' }>, run.capture);
      record.attention = run.probe;
      context.layers[i] = run.context;
      if (run.full) {
        if (result.attentions) result.attentions[i] = run.full;
        if (wants(plan, block, 'attn_probs')) record.named[`${block.name}.attn_probs`] = run.full;
      }
      return y;
    }
    case 'mamba2': {
      const run = mamba2Capture(block.mixer, T, plan, budget, block.name);
      const y = mamba2.forward(block.mixer, normed, T, s as Extract<LayerState, { kind: 'mamba2' }>, run.capture);
      record.ssm = run.probe;
      context.layers[i] = run.context;
      return y;
    }
    case 'mamba1': {
      const run = mamba1Capture(block.mixer, T, plan, budget, block.name);
      const y = mamba1.forward(block.mixer, normed, T, s as Extract<LayerState, { kind: 'mamba1' }>, run.capture);
      record.ssm = run.probe;
      context.layers[i] = run.context;
      return y;
    }
  }
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
  const shape = block.kind === 'mamba2' ? [block.mixer.H, block.mixer.P, block.mixer.N]
    : block.kind === 'mamba1' ? [block.mixer.I, block.mixer.N] : [ssm.length];
  return { dtype: 'f32', shape, data: Float32Array.from(ssm) };
}

function t2(data: Float32Array, a: number, b: number): Tensor {
  return { dtype: 'f32', shape: [a, b], data };
}
