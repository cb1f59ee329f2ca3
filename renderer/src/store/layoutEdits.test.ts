import { describe, expect, it } from 'vitest';
import {
  duplicateItem, effectiveLayout, identityItems, isIdentity, layoutString, moveItem, parseLayout,
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
    items = swapItems(items, 1, 5);
    expect(effectiveLayout(items)).toEqual([4, 0, 1, 2, 0]);
  });

  it('removes only duplicated slots', () => {
    const items = duplicateItem(identityItems(blocks), 0);
    expect(effectiveLayout(removeItem(items, 1))).toEqual([0, 1, 2, 3, 4]);
    expect(removeItem(identityItems(blocks), 3)).toHaveLength(5);
  });

  it('parses a typed layout, keeping unnamed blocks as dropped slots near their place', () => {
    const r = parseLayout('M-M-', blocks);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(effectiveLayout(r.items)).toEqual([0, 1, 2, 4]);
    expect(r.items.map((it) => [it.orig, it.dropped])).toEqual([[0, false], [1, false], [2, false], [3, true], [4, false]]);
    const dup = parseLayout('MMM*', blocks);
    expect(dup.ok && effectiveLayout(dup.items)).toEqual([0, 2, 0, 3]);
  });

  it('rejects unknown characters, missing kinds and empty layouts with a message', () => {
    const bad = parseLayout('M-x', blocks);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/"x" at position 3/);
    const noMamba1 = parseLayout('m-', blocks);
    expect(!noMamba1.ok && noMamba1.error).toMatch(/no mamba1 block/);
    expect(parseLayout('  ', blocks).ok).toBe(false);
  });
});
