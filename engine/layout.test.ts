import { describe, expect, it } from 'vitest';
import { LayoutError } from './errors';
import { forward } from './forward';
import { loadModel } from './io/checkpoint';
import { editLayout, layoutOrder, parseLayout } from './layout';
import { layoutOf } from './model';
import { tinyCheckpoint } from './test/tiny';

describe('layout edits', async () => {
  const model = await loadModel(tinyCheckpoint('nemotron_h')); // M-M*-M

  it('maps a layout string to original blocks, first unused block of each kind', () => {
    expect(parseLayout(model, 'M*-M-M')).toEqual([0, 3, 1, 2, 4, 5]);
    expect(parseLayout(model, 'MMM')).toEqual([0, 2, 5]);
  });

  it('rejects unknown chars, kinds the weights cannot provide, too many blocks and empty layouts', () => {
    expect(() => parseLayout(model, 'M?M')).toThrow(/unknown block char "\?" at position 1/);
    expect(() => parseLayout(model, 'mM')).toThrow(/has no mamba1 blocks/);
    expect(() => parseLayout(model, '**')).toThrow(/more "\*" blocks than the 1/);
    expect(() => parseLayout(model, '')).toThrow(LayoutError);
  });

  it('reorders, drops, duplicates and swaps over the same weight objects, reversibly', () => {
    const edited = editLayout(model, [{ op: 'swap', a: 0, b: 3 }, { op: 'drop', at: 1 }, { op: 'duplicate', at: 0 }, { op: 'move', from: 4, to: 0 }]);
    expect(layoutOrder(edited)).toEqual([4, 3, 3, 2, 0, 5]);
    expect(edited.layout).toBe('-**MMM');
    expect(edited.blocks[1]).toBe(model.original[3]);
    expect(edited.blocks[1].mixer).toBe(edited.blocks[2].mixer);
    const back = editLayout(edited, layoutOf(model.original));
    expect(layoutOrder(back)).toEqual([0, 1, 2, 3, 4, 5]);
    const ids = [1, 2, 3, 4, 5];
    expect(forward(back, ids).logits.data).toEqual(forward(model, ids).logits.data);
    expect(forward(edited, ids).logits.data).not.toEqual(forward(model, ids).logits.data);
  });

  it('refuses edits outside the layout', () => {
    expect(() => editLayout(model, [{ op: 'drop', at: 6 }])).toThrow(/outside/);
    expect(() => editLayout(model, [9])).toThrow(/block 9 does not exist/);
  });
});
