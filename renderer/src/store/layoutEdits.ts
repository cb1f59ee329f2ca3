// Layer-order edits as data. An edited layout is a list of ORIGINAL block indices (CONTRACTS.md:
// "blocks are referred to by their original index"); a dropped block stays in the strip, greyed,
// so that a drop can be toggled back — the model runs `effectiveLayout(items)`.

export type BlockKind = 'mamba1' | 'mamba2' | 'attention' | 'mlp';
export type LayoutChar = 'm' | 'M' | '*' | '-';

export const charOfKind: Record<BlockKind, LayoutChar> = { mamba1: 'm', mamba2: 'M', attention: '*', mlp: '-' };
export const kindOfChar: Record<LayoutChar, BlockKind> = { m: 'mamba1', M: 'mamba2', '*': 'attention', '-': 'mlp' };

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

/** The user-facing layout string of the edited model (`M-M*-`). */
export function layoutString(items: readonly LayoutItem[], blocks: readonly OriginalBlock[]): string {
  return effectiveLayout(items).map((i) => charOfKind[blocks[i].kind]).join('');
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
 * A typed layout string → items. Each char takes the next unused original block of that kind, in
 * original order; once a kind is used up, further chars of it duplicate that kind's blocks again
 * from the first, so `M-M-` on `M-M*-` keeps the Mamba and MLP weights and drops the attention.
 * Original blocks not named are kept as dropped slots, near their old place, to be toggled back.
 */
export function parseLayout(text: string, blocks: readonly OriginalBlock[]): ParseResult {
  const s = text.replace(/\s+/g, '');
  if (s.length === 0) return { ok: false, error: 'the layout is empty' };
  const byKind = new Map<BlockKind, number[]>();
  for (const b of blocks) byKind.set(b.kind, [...(byKind.get(b.kind) ?? []), b.index]);
  const used = new Map<BlockKind, number>();
  const items: LayoutItem[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!(c in kindOfChar)) return { ok: false, error: `"${c}" at position ${i + 1} is not a block (use M, m, * or -)` };
    const kind = kindOfChar[c as LayoutChar];
    const pool = byKind.get(kind);
    if (!pool) return { ok: false, error: `"${c}" at position ${i + 1}: this model has no ${kind} block` };
    const n = used.get(kind) ?? 0;
    items.push({ orig: pool[n % pool.length], dropped: false });
    used.set(kind, n + 1);
  }
  const named = new Set(items.map((it) => it.orig));
  for (const b of blocks) {
    if (named.has(b.index)) continue;
    // keep the dropped block where it was: after the last slot holding an earlier original block
    let at = 0;
    for (let j = 0; j < items.length; j++) if (items[j].orig < b.index) at = j + 1;
    items.splice(at, 0, { orig: b.index, dropped: true });
  }
  return { ok: true, items };
}
