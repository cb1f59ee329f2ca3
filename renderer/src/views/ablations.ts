// The ablation table's data, apart from the view: one row per bundled model or trained variant (the
// manifest's `ablation`, training/ABLATIONS.md) with its cache at 1,000 tokens and its accuracy at
// the table's lengths, shipped and re-measured; the study's own layouts as read-only presets; and
// which trained model, if any, has the layout an edit in the strip arrived at.
import { cacheBytes, KIND_CHAR, LayoutError, readLayout } from '../../../engine';
import { ABLATION_AXES, type AblationTag, type BlockCache, type CatalogEntry, type ModelEvaluation, type PlannedVariant } from '../../../app/protocol';
import type { CurvePoint } from '../store/sweepSlice';
import { evaluationPoints, fromReference } from '../charts/recallData';

/** The book lengths of the table: both sides of the bundled models' training length (32 entries). */
export const ABLATION_LENGTHS = [8, 16, 32, 48, 64];
/** Tokens at which the table gives each model's cache. */
export const CACHE_TOKENS = 1000;

/** A layout of the study with no weights here: shown, compared by its numbers, never run. */
export interface StudyPreset {
  id: string;
  name: string;
  layout: string;
  parameters: number;
  /** Per block, what its cache size depends on (the published dimensions). */
  cache: BlockCache[];
  source: string;
}

/** The study's Mamba-2-Hybrid (PAPER.md): Megatron's hybrid_override_pattern, d_model 4096, 32 heads
 *  in 8 KV groups (head dim 128), Mamba-2 with 128 heads of 64 (expand 2), 8 groups, state 128, conv 4. */
const HYBRID_8B = 'M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-';
export const STUDY_PRESETS: StudyPreset[] = [{
  id: 'study-8b-hybrid',
  name: 'Mamba-2-Hybrid 8B (the study)',
  layout: HYBRID_8B,
  parameters: 8e9,
  cache: readLayout(HYBRID_8B).map((t) => cacheBytes(
    t.kind === 'mamba2' ? { kind: 'mamba2', K: 4, convDim: 8192 + 2 * 8 * 128, H: 128, P: 64, N: 128 }
      : t.kind === 'attention' ? { kind: 'attention', KVH: 8, hd: 128 } : { kind: 'mlp' },
  )),
  source: 'arXiv 2406.07887 (no weights here: a layout to read, not to run)',
}];

/** Bytes a model's cache holds at `tokens` tokens: every constant state plus K and V per token. */
export const cacheAt = (cache: BlockCache[], tokens: number) => cache.reduce((a, c) => a + c.state + c.kvPerToken * tokens, 0);

export interface AblationCell { entries: number; shipped: CurvePoint | null; measured: CurvePoint | null }

export interface AblationRow {
  id: string;
  name: string;
  layout: string;
  /** null for a planned variant (not built yet). */
  parameters: number | null;
  entry: CatalogEntry | null;
  preset: StudyPreset | null;
  /** A variant of the plan not trained yet: no files, no numbers. */
  planned: PlannedVariant | null;
  /** Cache bytes at CACHE_TOKENS; null when unknown. */
  cacheBytes: number | null;
  cells: AblationCell[];
  /** The seed of the shipped evaluation (a re-measure uses it, so that the prompts are the same). */
  seed: number | null;
}

type Tagged = { ablation?: AblationTag };
const axisRank = (e: Tagged) => (e.ablation ? 1 + ABLATION_AXES.indexOf(e.ablation.axis) : 0);
/** Where a single attention block sits, in the stack's order (the shipped hybrid's is the middle). */
const POSITIONS = ['first', 'early', 'middle', 'late'];
const valueKey = (v: number | string) => (typeof v === 'string' && POSITIONS.includes(v) ? String(POSITIONS.indexOf(v)) : String(v));
/** By axis, then (within an axis) by the model it varies and its value: a base's seeds stay together. */
const byAxisAndValue = (a: Tagged, b: Tagged) => axisRank(a) - axisRank(b) || (a.ablation && b.ablation
  ? a.ablation.base.localeCompare(b.ablation.base) || valueKey(a.ablation.value).localeCompare(valueKey(b.ablation.value), 'en', { numeric: true }) : 0);

/** Rows in the table's order: the bundled models, then the variants by axis and value (trained and
 *  planned), then presets. `measured(entry)` gives the in-app points of a model (the view's re-measures). */
export function ablationRows(
  catalog: CatalogEntry[], evaluations: ModelEvaluation[], format: string, measured: (e: CatalogEntry) => CurvePoint[],
  planned: PlannedVariant[] = [],
): AblationRow[] {
  const trained = catalog.map((e): AblationRow => {
    const ev = evaluations.find((x) => x.id === e.id);
    const shipped = ev ? evaluationPoints(ev, format, 'standard') : [];
    const mine = measured(e);
    return {
      id: e.id, name: e.name, layout: e.layout, parameters: e.parameters, entry: e, preset: null, planned: null,
      cacheBytes: ev?.blockCache.length ? cacheAt(ev.blockCache, CACHE_TOKENS) : null,
      seed: shipped[0]?.seed ?? null,
      cells: ABLATION_LENGTHS.map((n) => {
        const s = shipped.find((p) => p.entries === n);
        return { entries: n, shipped: s ? fromReference(s, e.name) : null, measured: mine.find((p) => p.entries === n) ?? null };
      }),
    };
  });
  const waiting = planned.map((p): AblationRow => ({
    id: p.id, name: p.id, layout: p.layout, parameters: null, entry: null, preset: null, planned: p, seed: null, cacheBytes: null, cells: emptyCells(),
  }));
  const rows = [...trained, ...waiting].sort((a, b) => byAxisAndValue(a.entry ?? a.planned ?? {}, b.entry ?? b.planned ?? {}));
  const presets = STUDY_PRESETS.map((p): AblationRow => ({
    id: p.id, name: p.name, layout: p.layout, parameters: p.parameters, entry: null, preset: p, planned: null, seed: null,
    cacheBytes: cacheAt(p.cache, CACHE_TOKENS), cells: emptyCells(),
  }));
  return [...rows, ...presets];
}

const emptyCells = (): AblationCell[] => ABLATION_LENGTHS.map((n) => ({ entries: n, shipped: null, measured: null }));

/** What an axis varies, in words, for a row's label. */
export function variesText(e: Tagged | null): string {
  if (!e?.ablation) return '';
  const { axis, value, base } = e.ablation;
  const what = { 'attention-count': `${value} attention block${value === 1 ? '' : 's'}`, 'attention-position': `attention ${value}`, 'state-size': `state ${value}`, seed: `seed ${value}` }[axis];
  return `${what} (vs ${base})`;
}

/** A layout's kinds in order, without the block numbers of the notation (`M-MM6-` → `M-MM-`);
 *  null for a string the notation does not read. */
export function kindPattern(layout: string): string | null {
  try {
    return readLayout(layout).map((t) => KIND_CHAR[t.kind]).join('');
  } catch (e) {
    if (e instanceof LayoutError) return null;
    throw e;
  }
}

/** The bundled models (with weights) other than the open one that were trained with the blocks the
 *  edited layout arrives at, kind for kind: what the edit tries "what-if", they learned "alike". */
export function trainedWithLayout(edited: string, catalog: CatalogEntry[], openId: string | null): CatalogEntry[] {
  const want = kindPattern(edited);
  return want === null ? [] : catalog.filter((c) => c.id !== openId && c.weights !== false && kindPattern(c.layout) === want);
}
