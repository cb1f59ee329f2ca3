import { describe, expect, it } from 'vitest';
import {
  duplicateItem, effectiveLayout, identityItems, isIdentity, itemsFromText, layoutString, moveItem,
  removeItem, swapItems, toggleDrop, type OriginalBlock,
} from './layoutEdits';

// nemotron_h `M-M*-`: Mamba-2, MLP, Mamba-2, attention, MLP
const blocks: OriginalBlock[] = [
  { index: 0, kind: 'mamba2' }, { index: 1, kind: 'mlp' }, { index: 2, kind: 'mamba2' },
  { index: 3, kind: 'attention' }, { index: 4, kind: 'mlp' },
];

describe('layout edits', () => {
  it('starts as the identity and names itself by its layout string', () => {
    const items = identityItems(blocks);
    expect(layoutString(items, blocks)).toBe('M-M*-');
    expect(isIdentity(items, blocks)).toBe(true);
  });

  it('moves, drops, duplicates and swaps by original index', () => {
    let items = moveItem(identityItems(blocks), 3, 0);
    expect(effectiveLayout(items)).toEqual([3, 0, 1, 2, 4]);
    expect(layoutString(items, blocks)).toBe('*M-M-');
    items = toggleDrop(items, 0);
    expect(effectiveLayout(items)).toEqual([0, 1, 2, 4]);
    expect(isIdentity(items, blocks)).toBe(false);
    items = duplicateItem(items, 1);
    expect(effectiveLayout(items)).toEqual([0, 0, 1, 2, 4]);
    expect(layoutString(items, blocks)).toBe('MM0-M-');
    items = swapItems(items, 1, 5);
    expect(effectiveLayout(items)).toEqual([4, 0, 1, 2, 0]);
    expect(layoutString(items, blocks)).toBe('-4M-MM0');
  });

  it('removes only duplicated slots', () => {
    const items = duplicateItem(identityItems(blocks), 0);
    expect(effectiveLayout(removeItem(items, 1))).toEqual([0, 1, 2, 3, 4]);
    expect(removeItem(identityItems(blocks), 3)).toHaveLength(5);
  });

  it('reads typed text, keeping unnamed blocks as dropped slots near their place', () => {
    const r = itemsFromText('M-M-', blocks);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(effectiveLayout(r.items)).toEqual([0, 1, 2, 4]);
    expect(r.items.map((it) => [it.orig, it.dropped])).toEqual([[0, false], [1, false], [2, false], [3, true], [4, false]]);
    const dup = itemsFromText('MM M0 *', blocks);
    expect(dup.ok && effectiveLayout(dup.items)).toEqual([0, 2, 0, 3]);
    expect(dup.ok && layoutString(dup.items, blocks)).toBe('MMM0*');
  });

  it('rejects what the engine rejects, with its message', () => {
    const bad = itemsFromText('M-x', blocks);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/"x" at character 3/);
    expect(!bad.ok && bad.error).not.toMatch(/^layout/);
    const noMamba1 = itemsFromText('m-', blocks);
    expect(!noMamba1.ok && noMamba1.error).toMatch(/no mamba1 block/);
    const more = itemsFromText('MMM*', blocks);
    expect(!more.ok && more.error).toMatch(/asks for more M blocks .* e\.g\. M2/);
    const kind = itemsFromText('M3', blocks);
    expect(!kind.ok && kind.error).toMatch(/block 3 is attention/);
    expect(itemsFromText('  ', blocks).ok).toBe(false);
  });
});
