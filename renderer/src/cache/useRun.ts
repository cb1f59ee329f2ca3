// React access to a run: its metadata from the store (re-renders when `version` bumps) and its
// arrays from the cache, read fresh on every render. Another run, or a change of status, renders at
// once; what a run brings while it streams (a record, a token) re-renders the views as a transition: React renders it in slices that yield to input between
// components, where a store subscription (useSyncExternalStore, what useApp is) always renders at once,
// in one task — a 4k record mounting the SSM view's charts held the main thread ~40 ms of CPU that way.
import { startTransition, useEffect, useState } from 'react';
import { appStore } from '../store/appStore';
import { runData, type RunData } from './runCache';
import type { RunMeta } from '../store/runSlice';
import type { AppState } from '../store/appStore';

/** The baseline to compare the current run with: a trace opened as the baseline (asked for by
 *  name); else the latest complete run of the same model on its checkpoint layout with the same
 *  prompt; else the pinned baseline. */
export function matchingBaseline(s: Pick<AppState, 'runs' | 'runOrder' | 'currentRunId' | 'baselineRunId' | 'model'>): number | null {
  const cur = s.currentRunId === null ? undefined : s.runs[s.currentRunId];
  const pinned = s.baselineRunId === null ? undefined : s.runs[s.baselineRunId];
  if (!cur || !s.model || pinned?.source === 'trace') return s.baselineRunId;
  const layout = s.model.layout;
  for (let i = s.runOrder.length - 1; i >= 0; i--) {
    const r = s.runs[s.runOrder[i]];
    if (r && r.id !== cur.id && r.status === 'done' && r.modelId === cur.modelId && r.layout === layout && samePrompt(r, cur)) return r.id;
  }
  return s.baselineRunId;
}

export function samePrompt(a: RunMeta, b: RunMeta): boolean {
  if (!a.spec || !b.spec) return a.promptText !== undefined && a.promptText === b.promptText;
  return (Object.keys(a.spec) as (keyof typeof a.spec)[]).every((k) => a.spec![k] === b.spec![k]);
}

export interface RunView { id: number | null; meta: RunMeta | undefined; data: RunData | undefined }

type Which = 'current' | 'baseline' | 'matching-baseline';
interface Shown { id: number | null; meta: RunMeta | undefined }

function pick(s: AppState, which: Which): Shown {
  const id = which === 'current' ? s.currentRunId : which === 'baseline' ? s.baselineRunId : matchingBaseline(s);
  return { id, meta: id === null ? undefined : s.runs[id] };
}

export function useRun(which: Which): RunView {
  const [shown, setShown] = useState(() => pick(appStore.getState(), which));
  useEffect(() => {
    let last: Shown | null = null;
    const update = () => {
      const next = pick(appStore.getState(), which);
      if (last && next.id === last.id && next.meta === last.meta) return; // another slice changed
      // a new run, or a run that starts, ends or fails, shows at once (a view must never still say
      // "done" for the run before); what a running run streams renders as a transition
      const streaming = last !== null && next.id === last.id && next.meta?.status === last.meta?.status;
      last = next;
      const apply = () => setShown((old) => (old.id === next.id && old.meta === next.meta ? old : next));
      if (streaming) startTransition(apply);
      else apply();
    };
    update(); // a change between the first render and this subscription
    return appStore.subscribe(update);
  }, [which]);
  return { ...shown, data: runData(shown.id) };
}
