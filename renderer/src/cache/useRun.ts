// React access to a run: its metadata from the store (re-renders when `version` bumps) and its
// arrays from the cache, read fresh on every render.
import { useApp } from '../store/appStore';
import { runData, type RunData } from './runCache';
import type { RunMeta } from '../store/runSlice';

export interface RunView { id: number | null; meta: RunMeta | undefined; data: RunData | undefined }

export function useRun(which: 'current' | 'baseline'): RunView {
  const id = useApp((s) => (which === 'current' ? s.currentRunId : s.baselineRunId));
  const meta = useApp((s) => (id === null ? undefined : s.runs[id]));
  return { id, meta, data: runData(id) };
}
