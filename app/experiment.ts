// Experiment files: what was run (model reference + content hash, layout, prompt spec with its seed,
// capture spec) and what came out (answer, score, a digest of every layer record), as versioned
// JSON. Layouts are strings in the engine's notation (engine/layout.ts). Opening validates everything and says clearly what is wrong with a truncated, foreign or
// newer file. Writing goes through an injected atomic writer (main/: temp file + rename).
import type { Engine, RunHandlers } from './client';
import { formatLayout, LayoutError, readLayout, type Retrieved } from '../engine';
import type { ModelRef, ModelSource, ModelSummary, RunSpec, RunSummary } from './protocol';
import { ProtocolError, validateRunSpec } from './validate';

export const EXPERIMENT_FORMAT = 'hybridscope-experiment';
/** 2: layouts in the notation that names blocks by index (`M6`); version 1 files still open. */
export const SCHEMA_VERSION = 2;
export const EXPERIMENT_EXTENSION = '.hybridscope.json';

/** What a run produced, as saved: its summary without what only describes that one execution. */
export type ExperimentResults = Omit<RunSummary, 'status' | 'captureBytes' | 'timings'>;

export interface Experiment {
  format: typeof EXPERIMENT_FORMAT;
  schemaVersion: number;
  savedAt: string;
  model: { ref: ModelRef; name: string; contentHash: string; modelType: string; layout: string };
  /** Everything needed to run it again; a phonebook prompt carries its seed. */
  run: RunSpec;
  results: ExperimentResults;
  notes?: string;
}

export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

/** Writes `text` to `name` so that a crash leaves the old file or the new one, never a mix. */
export interface ExperimentWriter {
  writeAtomic(name: string, text: string): Promise<void>;
}

export function makeExperiment(model: ModelSummary, run: RunSpec, summary: RunSummary, savedAt: string, notes?: string): Experiment {
  const results: ExperimentResults = {
    layout: summary.layout, blocks: summary.blocks, promptTokens: summary.promptTokens,
    generatedIds: summary.generatedIds, generatedText: summary.generatedText, recordsDigest: summary.recordsDigest,
  };
  if (summary.expected !== undefined) {
    Object.assign(results, { expected: summary.expected, exact: summary.exact, digitAccuracy: summary.digitAccuracy, retrieved: summary.retrieved ?? null });
  }
  const e: Experiment = {
    format: EXPERIMENT_FORMAT, schemaVersion: SCHEMA_VERSION, savedAt,
    model: { ref: model.ref, name: model.name, contentHash: model.contentHash, modelType: model.modelType, layout: model.layout },
    run, results,
  };
  if (notes) e.notes = notes;
  return e;
}

export function serializeExperiment(e: Experiment): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

export async function saveExperiment(writer: ExperimentWriter, name: string, e: Experiment): Promise<void> {
  await writer.writeAtomic(name, serializeExperiment(e));
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function need<T>(ok: boolean, value: unknown, where: string, what: string): T {
  if (!ok) throw new ExperimentError(`${where}: expected ${what}`);
  return value as T;
}

function modelPart(v: unknown): Experiment['model'] {
  const m = need<Obj>(isObj(v), v, 'model', 'an object');
  const ref = need<Obj>(isObj(m.ref), m.ref, 'model.ref', 'an object');
  let r: ModelRef;
  if (ref.kind === 'bundled' && typeof ref.id === 'string') r = { kind: 'bundled', id: ref.id };
  else if (ref.kind === 'folder' && typeof ref.name === 'string') r = { kind: 'folder', name: ref.name };
  else throw new ExperimentError('model.ref: expected {"kind": "bundled", "id"} or {"kind": "folder", "name"}');
  const str = (k: string) => need<string>(typeof m[k] === 'string', m[k], `model.${k}`, 'a string');
  const hash = str('contentHash');
  if (!/^([0-9a-f]{64})?$/.test(hash)) throw new ExperimentError('model.contentHash: expected a SHA-256 in hex');
  return { ref: r, name: str('name'), contentHash: hash, modelType: str('modelType'), layout: str('layout') };
}

/** results.retrieved: absent (files saved before it existed) or null, else the entry and shared names. */
function retrievedPart(v: unknown): Retrieved | null {
  if (v === undefined || v === null) return null;
  const what = '{"entry": index, "sharesFirst": true|false, "sharesLast": true|false} or null';
  const o = need<Obj>(isObj(v), v, 'results.retrieved', what);
  need(Number.isInteger(o.entry) && (o.entry as number) >= 0 && typeof o.sharesFirst === 'boolean' && typeof o.sharesLast === 'boolean', v, 'results.retrieved', what);
  return { entry: o.entry as number, sharesFirst: o.sharesFirst as boolean, sharesLast: o.sharesLast as boolean };
}

function resultsPart(v: unknown): ExperimentResults {
  const r = need<Obj>(isObj(v), v, 'results', 'an object');
  const ints = (k: string) => need<number[]>(Array.isArray(r[k]) && (r[k] as unknown[]).every((x) => Number.isInteger(x)), r[k], `results.${k}`, 'a list of integers');
  const str = (k: string) => need<string>(typeof r[k] === 'string', r[k], `results.${k}`, 'a string');
  const out: ExperimentResults = {
    layout: str('layout'), blocks: ints('blocks'), generatedIds: ints('generatedIds'), generatedText: str('generatedText'),
    recordsDigest: str('recordsDigest'),
    promptTokens: need<number>(Number.isInteger(r.promptTokens), r.promptTokens, 'results.promptTokens', 'an integer'),
  };
  if (r.expected !== undefined) {
    out.expected = str('expected');
    out.exact = need<boolean>(typeof r.exact === 'boolean', r.exact, 'results.exact', 'true or false');
    out.digitAccuracy = need<number>(typeof r.digitAccuracy === 'number' && r.digitAccuracy >= 0 && r.digitAccuracy <= 1, r.digitAccuracy, 'results.digitAccuracy', 'a fraction 0–1');
    out.retrieved = retrievedPart(r.retrieved);
  }
  return out;
}

/**
 * Files saved before layouts could name a block by index (`M6`) may hold the run's layout as a list
 * of original block indices, and print a repeated block as a plain char that now means another
 * block: both are written again from original indices over the checkpoint's kinds.
 */
function inCurrentNotation(run: unknown, results: ExperimentResults, checkpointLayout: string): { run: unknown; results: ExperimentResults } {
  const print = (order: unknown[], where: string): string => {
    try {
      need(order.every((b) => Number.isInteger(b)), order, where, 'a list of block indices');
      return formatLayout(readLayout(checkpointLayout).map((t) => t.kind), order as number[]);
    } catch (e) {
      if (e instanceof LayoutError) throw new ExperimentError(`${where}: ${e.problem} (model.layout ${checkpointLayout})`);
      throw e;
    }
  };
  const old = isObj(run) && Array.isArray(run.layout);
  return {
    run: old ? { ...run, layout: print(run.layout as unknown[], 'run.layout') } : run,
    results: { ...results, layout: print(results.blocks, 'results.blocks') },
  };
}

/** Parses and validates an experiment file's text; throws ExperimentError with a one-line reason. */
export function parseExperiment(text: string, fileName = 'experiment'): Experiment {
  const fail = (msg: string): never => {
    // JSON.parse's messages quote the text around the error, newlines included: keep one line.
    throw new ExperimentError(`${fileName}: ${msg}`.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' '));
  };
  if (text.trim().length === 0) fail('the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const trimmed = text.trimEnd();
    const looksCut = trimmed.startsWith('{') && !trimmed.endsWith('}');
    fail(looksCut ? 'the file ends early (truncated?): it is not complete JSON' : `not JSON (${(e as Error).message})`);
  }
  if (!isObj(json) || json.format !== EXPERIMENT_FORMAT) fail(`not a HybridScope experiment (no "format": "${EXPERIMENT_FORMAT}")`);
  const o = json as Obj;
  if (!Number.isInteger(o.schemaVersion)) fail('schemaVersion is missing');
  if ((o.schemaVersion as number) > SCHEMA_VERSION) fail(`schemaVersion ${o.schemaVersion} is newer than this HybridScope understands (${SCHEMA_VERSION}); update HybridScope`);
  if ((o.schemaVersion as number) < 1) fail(`schemaVersion ${o.schemaVersion} is not a valid version`);
  try {
    const savedAt = need<string>(typeof o.savedAt === 'string', o.savedAt, 'savedAt', 'a date string');
    const model = modelPart(o.model);
    const current = inCurrentNotation(o.run, resultsPart(o.results), model.layout);
    const e: Experiment = {
      format: EXPERIMENT_FORMAT, schemaVersion: o.schemaVersion as number, savedAt,
      model, run: validateRunSpec(current.run, 'run'), results: current.results,
    };
    if (typeof o.notes === 'string') e.notes = o.notes;
    return e;
  } catch (err) {
    if (err instanceof ExperimentError || err instanceof ProtocolError) return fail(err.message);
    throw err;
  }
}

/** How a replay compares with what the experiment recorded; `differences` in words. */
export function compareReplay(e: Experiment, model: ModelSummary, summary: RunSummary): { same: boolean; differences: string[] } {
  const d: string[] = [];
  if (e.model.contentHash && model.contentHash && e.model.contentHash !== model.contentHash) d.push(`the model's weights differ from the saved ones (${model.name})`);
  if (summary.layout !== e.results.layout) d.push(`layout ${summary.layout} instead of ${e.results.layout}`);
  if (summary.generatedText !== e.results.generatedText) d.push(`answer "${summary.generatedText}" instead of "${e.results.generatedText}"`);
  if (summary.recordsDigest !== e.results.recordsDigest) d.push('the layer records differ');
  return { same: d.length === 0, differences: d };
}

/** Reopens an experiment: opens its model (a bundled one by id; a folder one from `source`, which
 *  the user picks), runs the saved spec and compares the outcome with the saved results. */
export async function replayExperiment(engine: Engine, e: Experiment, source?: ModelSource, handlers?: RunHandlers) {
  const ref = e.model.ref;
  const from: ModelSource | undefined = source ?? (ref.kind === 'bundled' ? { kind: 'bundled', id: ref.id } : undefined);
  if (!from) throw new ExperimentError(`this experiment used the model folder "${e.model.name}": open that folder to replay it`);
  const model = await engine.openModel(from);
  const summary = await engine.run(e.run, handlers).done;
  return { model, summary, check: compareReplay(e, model, summary) };
}
