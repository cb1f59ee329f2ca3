// A run's layout as a list of ORIGINAL block indices (the engine's editLayout convention).
// A layout string names blocks by kind: the k-th `M` in the string is the k-th Mamba-2 block of the
// checkpoint, and so on per kind, so a string can reorder or drop blocks of the same kind in order;
// repeating or swapping blocks of one kind needs the explicit index list.
import { LayoutError } from '../engine/errors';
import type { BlockKind } from './protocol';

const CHAR: Record<BlockKind, string> = { mamba1: 'm', mamba2: 'M', attention: '*', mlp: '-' };

export function layoutString(kinds: readonly BlockKind[], blocks: readonly number[]): string {
  return blocks.map((b) => CHAR[kinds[b]]).join('');
}

/** Original block indices for `layout` over a checkpoint whose blocks have `kinds`. */
export function resolveLayout(kinds: readonly BlockKind[], layout: string | number[] | undefined): number[] {
  if (layout === undefined) return kinds.map((_, i) => i);
  const shown = typeof layout === 'string' ? layout : `[${layout.join(',')}]`;
  if (layout.length === 0) throw new LayoutError(shown, 'is empty: a model needs at least one block');
  if (typeof layout !== 'string') {
    for (const b of layout) {
      if (!Number.isInteger(b) || b < 0 || b >= kinds.length) {
        throw new LayoutError(shown, `block ${b} does not exist (the checkpoint has blocks 0–${kinds.length - 1})`);
      }
    }
    return [...layout];
  }
  const pools = new Map<string, number[]>();
  kinds.forEach((k, i) => pools.set(CHAR[k], [...(pools.get(CHAR[k]) ?? []), i]));
  const used = new Map<string, number>();
  return [...layout].map((c) => {
    const pool = pools.get(c);
    if (!pool) throw new LayoutError(layout, `"${c}" names a block kind this checkpoint does not have`);
    const k = used.get(c) ?? 0;
    if (k >= pool.length) {
      throw new LayoutError(layout, `asks for ${k + 1} "${c}" blocks, the checkpoint has ${pool.length} (repeat blocks with an index list)`);
    }
    used.set(c, k + 1);
    return pool[k];
  });
}
