// Big arrays of each run, outside reactive state: the store keeps run ids and
// a `version` counter; views read the arrays here by run id. Old runs are evicted past a limit
// (the baseline and the current run are always kept).
import type { LayerRecord, PromptInfo, RunSpec, RunSummary, RunToken, Tensor } from '../../../app/protocol';

export interface RunData {
  /** What was asked for (saved with an experiment). */
  spec: RunSpec | null;
  prompt: PromptInfo | null;
  /** Layer records by position in the run's layout. */
  records: LayerRecord[];
  tokens: RunToken[];
  summary: RunSummary | null;
  /** SSM state snapshots fetched on request, keyed `${layer}:${position}`: (H, P, N). */
  states: Map<string, Tensor>;
}

const KEEP_RUNS = 12;
const cache = new Map<number, RunData>();

export function runData(id: number | null | undefined): RunData | undefined {
  return id === null || id === undefined ? undefined : cache.get(id);
}

export function createRunData(id: number, keep: readonly (number | null)[] = []): RunData {
  const data: RunData = { spec: null, prompt: null, records: [], tokens: [], summary: null, states: new Map() };
  cache.set(id, data);
  for (const old of cache.keys()) {
    if (cache.size <= KEEP_RUNS) break;
    if (old !== id && !keep.includes(old)) cache.delete(old);
  }
  return data;
}

export function dropRunData(id: number): void {
  cache.delete(id);
}

export function cachedRunIds(): number[] {
  return [...cache.keys()];
}
