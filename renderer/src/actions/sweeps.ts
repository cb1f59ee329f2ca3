// Recall sweeps over several models and layouts. The service sweeps layouts of the open model, so
// a sweep over other bundled models opens each in turn (the open model comes back at the end).
// One sweep in the store covers the whole chain; its series are `<model> · <layout>`.
import type { SweepHandle } from '../../../app/client';
import { appStore } from '../store/appStore';
import { modelKey } from '../store/modelSlice';
import type { CurvePoint, SweepSeries } from '../store/sweepSlice';
import type { SweepPoint } from '../../../app/protocol';
import { currentEngine, openModel } from './session';

export interface SweepTarget {
  /** Bundled id, or null for the model open now. */
  bundledId: string | null;
  name: string;
  /** Layouts over that model; undefined = its checkpoint layout. */
  layouts: (string | undefined)[];
}

/** What these actions keep between calls: the sweep chain running now (its current service sweep,
 *  to cancel) and the id the next chain gets in the store. */
const sweeps: { active: { handle: SweepHandle | null; cancelled: boolean } | null; nextId: number } = { active: null, nextId: 1 };

const store = () => appStore.getState();
export const seriesKey = (model: string, layout: string) => `${model} · ${layout}`;

/** A finished point of the engine's sweep as a point of a series' curve (the app sweeps by entries). */
function curvePoint(p: SweepPoint, series: string): CurvePoint {
  const { entries, depth, meanTokens, samples, accuracy, digitAccuracy, wrongDigitAccuracy, wrongOtherEntry, wrongSameName } = p;
  return { series, entries: entries ?? 0, ...(depth === null ? {} : { depth }), meanTokens, samples, accuracy, digitAccuracy, wrongDigitAccuracy, wrongOtherEntry, wrongSameName };
}

/** The books of a sweep where they differ from the prompt panel's: target depths (null: a random entry
 *  per sample, as the shipped evaluations draw them) and, for a re-measured evaluation, its format and seed. */
export interface SweepBooks {
  depths: (number | null)[];
  format?: 'bare' | 'question';
  variant?: 'standard' | 'reversed';
  seed?: number;
  fewShot?: number;
}

export async function runSweeps(targets: SweepTarget[], entries: number[], samples: number, books: SweepBooks): Promise<void> {
  const engine = currentEngine();
  const start = store();
  if (!engine || !start.model?.loaded || sweeps.active) return; // headers shown, weights still loading: the engine holds the model before
  const home = start.model.ref;
  const saved = { items: start.items, past: start.past, future: start.future };
  const homeName = start.model.name;
  const id = sweeps.nextId++;
  const series: SweepSeries[] = targets.flatMap((t) => t.layouts.map((l) => {
    const layout = l ?? (t.bundledId === null ? start.model!.layout : start.catalog.find((c) => c.id === t.bundledId)?.layout ?? '?');
    return { key: seriesKey(t.name, layout), modelId: t.bundledId ?? modelKey(home), modelName: t.name, layout };
  }));
  const per = entries.length * samples * books.depths.length;
  const total = series.length * per;
  store().startSweep({ id, series, entries, samples, total, books });
  const me = { handle: null as SweepHandle | null, cancelled: false };
  sweeps.active = me;
  let before = 0;
  let moved = false;
  try {
    for (const t of targets) {
      if (me.cancelled) break;
      if (t.bundledId !== null && !(home.kind === 'bundled' && home.id === t.bundledId)) {
        moved = true;
        if (!(await openModel({ kind: 'bundled', id: t.bundledId }, t.name))) throw new Error(`could not open ${t.name}`);
      }
      const { variant, format, fewShot, seed } = { ...store().spec, ...books };
      const handle = engine.sweep({ layouts: t.layouts, entries, depths: books.depths, variant, format, fewShot, samples, seed }, (p) => {
        store().sweepProgress(id, before + p.done);
        if (p.point) store().sweepPoint(id, curvePoint(p.point, seriesKey(t.name, p.point.layout)));
      });
      me.handle = handle;
      // every finished point already came with its progress event
      const r = await handle.done;
      before += t.layouts.length * per;
      if (r.status === 'cancelled') me.cancelled = true;
    }
    store().finishSweep(id, me.cancelled ? 'cancelled' : 'done');
  } catch (e) {
    store().finishSweep(id, 'error', e instanceof Error ? e.message : String(e));
  } finally {
    sweeps.active = null;
    if (moved && home.kind === 'bundled') {
      await openModel({ kind: 'bundled', id: home.id }, homeName);
      // reopening resets the strip; the person's edits (and their undo history) come back
      appStore.setState({ items: saved.items, past: saved.past, future: saved.future });
    }
  }
}

export function cancelSweeps(): void {
  if (!sweeps.active) return;
  sweeps.active.cancelled = true;
  sweeps.active.handle?.cancel();
}
