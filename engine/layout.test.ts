import { describe, expect, it } from 'vitest';
import { LayoutError } from './errors';
import { forward } from './forward';
import { loadModel } from './io/checkpoint';
import { checkpointOrder, editLayout, formatLayout, layoutOrder, parseLayout, readLayout, type BlockKind } from './layout';
import { tinyCheckpoint } from './test/tiny';

// the bundled hybrid's kinds, `M-M*M-M-`: Mamba-2 at 0, 2, 4, 6; MLP at 1, 5, 7; attention at 3
const hybrid: BlockKind[] = ['mamba2', 'mlp', 'mamba2', 'attention', 'mamba2', 'mlp', 'mamba2', 'mlp'];

describe('layout notation', () => {
  it('plain chars take the next unused block of their kind, in checkpoint order', () => {
    expect(parseLayout(hybrid, 'M-M*M-M-')).toEqual(checkpointOrder(hybrid));
    expect(parseLayout(hybrid, '*M-M')).toEqual([3, 0, 1, 2]);
    expect(parseLayout(hybrid, 'MMMM')).toEqual([0, 2, 4, 6]);
    expect(parseLayout(hybrid, ' M - \n M\t* ')).toEqual([0, 1, 2, 3]);
  });

  it('a char with a number names an original block, which later plain chars skip', () => {
    expect(parseLayout(hybrid, 'M6M')).toEqual([6, 0]);
    expect(parseLayout(hybrid, 'M4MMM')).toEqual([4, 0, 2, 6]);
    expect(parseLayout(hybrid, '-7-')).toEqual([7, 1]);
    expect(parseLayout(hybrid, '*3')).toEqual([3]);
  });

  it('repeats a block named by its index', () => {
    expect(parseLayout(hybrid, 'M-M*M-MM6-')).toEqual([0, 1, 2, 3, 4, 5, 6, 6, 7]);
    expect(parseLayout(hybrid, '*3*3*3')).toEqual([3, 3, 3]);
    expect(parseLayout(hybrid, 'MM0M0')).toEqual([0, 0, 0]);
  });

  it('refuses a number naming a block of another kind, saying how to write it', () => {
    expect(() => parseLayout(hybrid, 'M-M3')).toThrow(LayoutError);
    expect(() => parseLayout(hybrid, 'M-M3')).toThrow(/M3 at character 3: block 3 is attention, not mamba2 \(write \*3\)/);
    expect(() => parseLayout(hybrid, 'm0')).toThrow(/block 0 is mamba2, not mamba1/);
  });

  it('refuses unknown chars, stray numbers and an empty layout', () => {
    expect(() => parseLayout(hybrid, 'M?M')).toThrow(/unknown block char "\?" at character 2/);
    expect(() => parseLayout(hybrid, 'M-x')).toThrow(/"x" at character 3/);
    expect(() => parseLayout(hybrid, '6M')).toThrow(/number at character 1 follows no block char/);
    expect(() => parseLayout(hybrid, 'M6 7')).toThrow(/number at character 4 follows no block char/); // not M67
    expect(() => parseLayout(hybrid, 'M 6')).toThrow(/number at character 3 follows no block char/);
    expect(parseLayout(hybrid, ' M6 - ')).toEqual([6, 1]);
    expect(() => parseLayout(hybrid, 'M1234567')).toThrow(/index at character 2 is too long/);
    expect(() => parseLayout(hybrid, '')).toThrow(/is empty/);
    expect(() => parseLayout(hybrid, ' \n ')).toThrow(/is empty/);
  });

  it('refuses an index past the checkpoint and a kind it does not have', () => {
    expect(() => parseLayout(hybrid, 'M8')).toThrow(/block 8 does not exist \(the checkpoint has blocks 0–7\)/);
    expect(() => parseLayout(hybrid, 'M99999999999999999999999')).toThrow(/is too long/);
    expect(() => parseLayout(hybrid, 'Mm')).toThrow(/"m" at character 2: the checkpoint has no mamba1 blocks \(its layout is M-M\*M-M-\)/);
  });

  it('refuses a plain char once its kind is used up, suggesting the indexed form', () => {
    expect(() => parseLayout(hybrid, 'M-M*M-M-M')).toThrow(/"M" at character 9 asks for more M blocks than the 4 the checkpoint has; name a block to repeat it, e.g. M6/);
    expect(() => parseLayout(hybrid, '**')).toThrow(/more \* blocks than the 1 .* e\.g\. \*3/);
    expect(() => parseLayout(hybrid, 'M6MMMM')).toThrow(/asks for more M blocks/);
  });

  it('errors are one line and keep the problem apart from the layout', () => {
    try {
      parseLayout(hybrid, 'M\nM\nx');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LayoutError);
      expect((e as LayoutError).message).not.toMatch(/\n/);
      expect((e as LayoutError).problem).toMatch(/^unknown block char "x" at character 5/);
    }
  });

  it('reads the syntax alone, without a checkpoint', () => {
    expect(readLayout('M6 -')).toEqual([{ kind: 'mamba2', index: 6, at: 1 }, { kind: 'mlp', index: null, at: 4 }]);
    expect(readLayout('')).toEqual([]);
    expect(() => readLayout('M6M,')).toThrow(/unknown block char ","/);
  });

  it('prints plain chars where the parser would pick the block anyway, else char + index', () => {
    expect(formatLayout(hybrid, checkpointOrder(hybrid))).toBe('M-M*M-M-');
    expect(formatLayout(hybrid, [0, 1, 2, 3, 4, 5, 6, 6, 7])).toBe('M-M*M-MM6-');
    expect(formatLayout(hybrid, [0, 1, 3, 4, 5, 6, 7])).toBe('M-*M4-M6-');
    expect(formatLayout(hybrid, [3, 0, 1, 2])).toBe('*M-M');
    expect(formatLayout(hybrid, [6, 0, 0])).toBe('M6MM0');
    expect(() => formatLayout(hybrid, [8])).toThrow(/block 8 does not exist/);
    for (const order of [[0, 1, 3, 4, 5, 6, 7], [6, 0, 0], [7, 7, 3, 3, 0], [2, 4, 6, 0]]) {
      expect(parseLayout(hybrid, formatLayout(hybrid, order))).toEqual(order);
    }
  });
});

describe('layout notation of the families beyond the bundled four', () => {
  // Falcon-H1: parallel attention + Mamba-2 layers, each followed by an MLP
  const falconH1: BlockKind[] = ['parallel', 'mlp', 'parallel', 'mlp'];
  // Granite-4.0-H with experts: M E * E M E
  const granite: BlockKind[] = ['mamba2', 'moe', 'attention', 'moe', 'mamba2', 'moe'];

  it('writes, reads and edits parallel layers and MoE MLPs like any block', () => {
    expect(formatLayout(falconH1, checkpointOrder(falconH1))).toBe('P-P-');
    expect(parseLayout(falconH1, 'P2-P0')).toEqual([2, 1, 0]);
    expect(formatLayout(granite, checkpointOrder(granite))).toBe('ME*EME');
    expect(parseLayout(granite, 'MEME*E')).toEqual([0, 1, 4, 3, 2, 5]);
    expect(readLayout('PE')).toEqual([{ kind: 'parallel', index: null, at: 1 }, { kind: 'moe', index: null, at: 2 }]);
  });

  it('writes Zamba2 shared-transformer layers as S, and refuses their attention or MLP on their own', () => {
    const zamba2: BlockKind[] = ['mamba2', 'shared', 'mamba2', 'shared'];
    expect(formatLayout(zamba2, checkpointOrder(zamba2))).toBe('MSMS');
    expect(parseLayout(zamba2, 'SMS1M')).toEqual([1, 0, 1, 2]);
    expect(() => parseLayout(zamba2, 'M*')).toThrow(/this checkpoint's attention runs only inside its shared transformer \+ Mamba-2 blocks \(S\)/);
    expect(() => parseLayout(zamba2, 'M-')).toThrow(/this checkpoint's MLP runs only inside its shared transformer/);
  });

  it('refuses to take the attention or the Mamba-2 out of a parallel layer, in one line that says why', () => {
    expect(() => parseLayout(falconH1, 'M-P-')).toThrow(/"M" at character 1: this checkpoint's Mamba-2 runs only inside its parallel attention \+ Mamba-2 blocks \(P\), which move, drop and repeat as a whole/);
    expect(() => parseLayout(falconH1, 'P-*')).toThrow(/"\*" at character 3: this checkpoint's attention runs only inside its parallel/);
    expect(() => parseLayout(falconH1, 'M0')).toThrow(/block 0 is parallel, not mamba2 \(write P0\)/);
    expect(() => parseLayout(falconH1, 'E')).toThrow(/the checkpoint has no moe blocks \(its layout is P-P-\)/);
  });
});

describe('layout edits', async () => {
  const model = await loadModel(tinyCheckpoint('nemotron_h')); // M-M*-M

  it('reorders, drops, duplicates and swaps over the same weight objects, reversibly', () => {
    const edited = editLayout(model, [{ op: 'swap', a: 0, b: 3 }, { op: 'drop', at: 1 }, { op: 'duplicate', at: 0 }, { op: 'move', from: 4, to: 0 }]);
    expect(layoutOrder(edited)).toEqual([4, 3, 3, 2, 0, 5]);
    expect(edited.layout).toBe('-4**3M2MM');
    expect(layoutOrder(editLayout(model, edited.layout))).toEqual([4, 3, 3, 2, 0, 5]);
    expect(edited.blocks[1]).toBe(model.original[3]);
    expect(edited.blocks[1].mixer).toBe(edited.blocks[2].mixer);
    const back = editLayout(edited, model.layout);
    expect(layoutOrder(back)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(back.layout).toBe('M-M*-M');
    const ids = [1, 2, 3, 4, 5];
    expect(forward(back, ids).logits.data).toEqual(forward(model, ids).logits.data);
    expect(forward(edited, ids).logits.data).not.toEqual(forward(model, ids).logits.data);
  });

  it('names an index list by its canonical string', () => {
    expect(editLayout(model, [0, 2, 0]).layout).toBe('MMM0');
  });

  it('refuses edits outside the layout', () => {
    expect(() => editLayout(model, [{ op: 'drop', at: 6 }])).toThrow(/outside/);
    expect(() => editLayout(model, [9])).toThrow(/block 9 does not exist/);
    expect(() => editLayout(model, [])).toThrow(/is empty/);
  });
});
