// The cost view's cache memory for the layout on screen: per-block sizes from the service summed
// over the current arrangement, so dropping the attention block removes the growing KV cache.
import type { ModelSummary } from '../../../app/protocol';
import type { RunData } from '../cache/runCache';
import type { CacheSize } from '../charts/MemoryChart';

/** Cache size of the current arrangement (original block indices, repeats counted) from the
 *  service's per-block sizes; without them, the SSM part from a run's captured state shapes
 *  (attention KV then unknown). */
export function cacheSize(model: ModelSummary | null, blocks: readonly number[], data?: RunData): CacheSize | null {
  const per = model?.blockCache;
  if (per?.length) {
    let stateBytes = 0;
    let kvBytesPerToken = 0;
    for (const b of blocks) {
      stateBytes += per[b]?.state ?? 0;
      kvBytesPerToken += per[b]?.kvPerToken ?? 0;
    }
    return { stateBytes, kvBytesPerToken };
  }
  if (!data?.records.length) return null;
  let state = 0;
  for (const r of data.records) {
    const st = r?.ssm?.states;
    if (st) state += (st.data.length / Math.max(1, st.shape[0])) * 4;
  }
  return state > 0 && !data.records.some((r) => r?.attention) ? { stateBytes: state, kvBytesPerToken: 0 } : null;
}
