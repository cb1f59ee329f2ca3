// The strip's edit state: a list of slots, each an ORIGINAL block index (the number the strip shows)
// with a dropped flag, so that a drop can be toggled back; the model runs `effectiveLayout(items)`.
// Kinds, their chars, reading typed text and printing the layout are the engine's notation
// (engine/layout.ts), so the strip shows exactly the strings the CLI and the service run.
import { formatLayout, LayoutError, parseLayout, type BlockKind } from '../../../engine';

export interface OriginalBlock { index: number; kind: BlockKind }

/** One slot of the edited strip: which original block runs there, and whether it is dropped. */
export interface LayoutItem { orig: number; dropped: boolean }

export function identityItems(blocks: readonly OriginalBlock[]): LayoutItem[] {
  return blocks.map((b) => ({ orig: b.index, dropped: false }));
}

/** Original block indices the model runs, in order. */
export function effectiveLayout(items: readonly LayoutItem[]): number[] {
  return items.filter((it) => !it.dropped).map((it) => it.orig);
}

/** The layout string of the edited model (`M-M*-`, `M-MM0*-` with a repeat), as the engine prints it. */
export function layoutString(items: readonly LayoutItem[], blocks: readonly OriginalBlock[]): string {
  return formatLayout(blocks.map((b) => b.kind), effectiveLayout(items));
}

export function isIdentity(items: readonly LayoutItem[], blocks: readonly OriginalBlock[]): boolean {
  return items.length === blocks.length && items.every((it, i) => !it.dropped && it.orig === blocks[i].index);
}

export function moveItem(items: readonly LayoutItem[], from: number, to: number): LayoutItem[] {
  if (from === to || from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items];
  const out = [...items];
  const [it] = out.splice(from, 1);
  out.splice(to, 0, it);
  return out;
}

export function toggleDrop(items: readonly LayoutItem[], at: number): LayoutItem[] {
  return items.map((it, i) => (i === at ? { ...it, dropped: !it.dropped } : it));
}

/** A second copy of the block at `at`, right after it (same weights, run twice). */
export function duplicateItem(items: readonly LayoutItem[], at: number): LayoutItem[] {
  if (at < 0 || at >= items.length) return [...items];
  const out = [...items];
  out.splice(at + 1, 0, { orig: items[at].orig, dropped: false });
  return out;
}

export function swapItems(items: readonly LayoutItem[], a: number, b: number): LayoutItem[] {
  const out = [...items];
  if (a < 0 || b < 0 || a >= out.length || b >= out.length) return out;
  [out[a], out[b]] = [out[b], out[a]];
  return out;
}

/** Remove a slot entirely (only duplicates: an original block is dropped, not removed). */
export function removeItem(items: readonly LayoutItem[], at: number): LayoutItem[] {
  const orig = items[at]?.orig;
  if (orig === undefined || items.filter((it) => it.orig === orig).length < 2) return [...items];
  return items.filter((_, i) => i !== at);
}

export type ParseResult = { ok: true; items: LayoutItem[] } | { ok: false; error: string };

/**
 * A typed layout string → strip slots. The engine resolves the string to original blocks; the
 * original blocks it does not name are kept as dropped slots, near their old place, to be toggled back.
 */
export function itemsFromText(text: string, blocks: readonly OriginalBlock[]): ParseResult {
  let order: number[];
  try {
    order = parseLayout(blocks.map((b) => b.kind), text);
  } catch (e) {
    if (e instanceof LayoutError) return { ok: false, error: e.problem };
    throw e;
  }
  const items: LayoutItem[] = order.map((orig) => ({ orig, dropped: false }));
  const named = new Set(order);
  for (const b of blocks) {
    if (named.has(b.index)) continue;
    // keep the dropped block where it was: after the last slot holding an earlier original block
    let at = 0;
    for (let j = 0; j < items.length; j++) if (items[j].orig < b.index) at = j + 1;
    items.splice(at, 0, { orig: b.index, dropped: true });
  }
  return { ok: true, items };
}
