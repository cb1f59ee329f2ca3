// The one shortcut table: the keys the README lists do what the Help panel says, and no key press is
// two shortcuts of the same scope (the table's order must not matter).
import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor, type KeyLike } from './shortcuts';

const press = (key: string, mods: Partial<Omit<KeyLike, 'key'>> = {}): KeyLike => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });

describe('keyboard shortcuts', () => {
  it('maps the listed keys to their shortcuts', () => {
    expect(shortcutFor(press('Enter', { ctrlKey: true }), 'window')).toBe('run');
    expect(shortcutFor(press('Enter', { metaKey: true }), 'window')).toBe('run');
    expect(shortcutFor(press('Enter'), 'window')).toBeNull();
    expect(shortcutFor(press('Escape'), 'window')).toBe('cancel');
    expect(shortcutFor(press('z', { ctrlKey: true }), 'window')).toBe('undo');
    expect(shortcutFor(press('Z', { metaKey: true, shiftKey: true }), 'window')).toBe('redo');
    expect(shortcutFor(press('y', { ctrlKey: true }), 'window')).toBe('redo');
    expect(shortcutFor(press('e', { ctrlKey: true }), 'window')).toBe('export-figure');
    expect(shortcutFor(press('?', { shiftKey: true }), 'window')).toBe('help');
    expect(shortcutFor(press('ArrowLeft'), 'strip')).toBe('block-prev');
    expect(shortcutFor(press('ArrowRight', { shiftKey: true }), 'strip')).toBe('block-move-right');
    expect(shortcutFor(press('Delete'), 'strip')).toBe('block-drop');
    expect(shortcutFor(press('d'), 'strip')).toBe('block-duplicate');
    expect(shortcutFor(press('d', { ctrlKey: true }), 'strip')).toBeNull();
    expect(shortcutFor(press(' '), 'strip')).toBe('block-select');
    // a strip key is not a window shortcut, nor the reverse
    expect(shortcutFor(press('d'), 'window')).toBeNull();
    expect(shortcutFor(press('Enter', { ctrlKey: true }), 'strip')).toBeNull();
  });

  it('never matches one key press to two shortcuts of a scope', () => {
    const keys = ['Enter', 'Escape', 'z', 'Z', 'y', 'e', 'E', '?', 'ArrowLeft', 'ArrowRight', ' ', 'Delete', 'Backspace', 'd', 'D', 'a'];
    for (const key of keys) {
      for (let m = 0; m < 8; m++) {
        const e = press(key, { ctrlKey: !!(m & 1), metaKey: !!(m & 2), shiftKey: !!(m & 4) });
        for (const scope of ['window', 'strip'] as const) {
          const hits = SHORTCUTS.filter((s) => s.scope === scope && s.match(e)).map((s) => s.id);
          expect(hits.length, `${JSON.stringify(e)} in ${scope}: ${hits}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('gives every shortcut keys and a description to show', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    for (const s of SHORTCUTS) expect(s.keys.length * s.does.length).toBeGreaterThan(0);
  });
});
