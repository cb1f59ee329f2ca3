// Bytes a layer record holds in typed arrays (what the budget accounts for, besides the run context).
import type { LayerRecord } from './types';

export function recordBytes(record: LayerRecord): number {
  let n = 0;
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) n += v.byteLength;
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(record);
  return n;
}
