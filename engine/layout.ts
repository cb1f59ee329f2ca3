// Layer-order edits as data. A layout is a list of ORIGINAL block indices; its string form uses one
// char per block ('M' Mamba-2, 'm' Mamba-1, '*' attention, '-' MLP). Edits (reorder, drop, duplicate,
// swap) produce a new Model over the same weight objects, so every edit is free and reversible.
import { LayoutError } from './errors';
import type { Model } from './model';
import { CHAR_KIND, KIND_CHAR, layoutOf } from './model';

export type LayoutEdit =
  | { op: 'move'; from: number; to: number }
  | { op: 'drop'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; a: number; b: number };

/** Original block indices of the model's current layout, in run order. */
export function layoutOrder(model: Model): number[] {
  return model.blocks.map((b) => b.index);
}

/**
 * Resolve a layout string against the checkpoint's blocks: each char takes the next unused original
 * block of that kind, in checkpoint order. So "M*-M-" over "M-M*-" is blocks [0, 3, 1, 2, 4].
 */
export function parseLayout(model: Model, layout: string): number[] {
  if (layout.length === 0) throw new LayoutError(layout, 'is empty; a model needs at least one block');
  const pools = new Map<string, number[]>();
  for (const b of model.original) {
    const ch = KIND_CHAR[b.kind];
    pools.set(ch, [...(pools.get(ch) ?? []), b.index]);
  }
  const order: number[] = [];
  [...layout].forEach((ch, at) => {
    if (!CHAR_KIND[ch]) {
      throw new LayoutError(layout, `unknown block char "${ch}" at position ${at} (use M Mamba-2, m Mamba-1, * attention, - MLP)`);
    }
    const pool = pools.get(ch);
    if (!pool) throw new LayoutError(layout, `the model has no ${CHAR_KIND[ch]} blocks ("${ch}" at position ${at}); its layout is ${layoutOf(model.original)}`);
    const next = pool.shift();
    if (next === undefined) {
      const have = model.original.filter((b) => KIND_CHAR[b.kind] === ch).length;
      throw new LayoutError(layout, `asks for more "${ch}" blocks than the ${have} the model has (use a duplicate edit to repeat a block)`);
    }
    order.push(next);
  });
  return order;
}

/** Apply edits to a list of original indices; positions refer to the list as it is when each edit runs. */
export function applyEdits(order: number[], edits: LayoutEdit[]): number[] {
  const out = [...order];
  const check = (i: number, what: string, allowEnd = false) => {
    if (!Number.isInteger(i) || i < 0 || i >= out.length + (allowEnd ? 1 : 0)) {
      throw new LayoutError(out.map(String).join(','), `${what} ${i} is outside 0..${out.length - (allowEnd ? 0 : 1)}`);
    }
  };
  for (const e of edits) {
    if (e.op === 'move') {
      check(e.from, 'move from'); check(e.to, 'move to');
      const [b] = out.splice(e.from, 1);
      out.splice(e.to, 0, b);
    } else if (e.op === 'drop') {
      check(e.at, 'drop at');
      out.splice(e.at, 1);
    } else if (e.op === 'duplicate') {
      check(e.at, 'duplicate at');
      out.splice(e.at + 1, 0, out[e.at]);
    } else {
      check(e.a, 'swap'); check(e.b, 'swap');
      [out[e.a], out[e.b]] = [out[e.b], out[e.a]];
    }
  }
  if (out.length === 0) throw new LayoutError('', 'the edits drop every block');
  return out;
}

/**
 * A new Model running the blocks in the given order (a layout string, a list of original block
 * indices, or edits applied to the current order). The weight objects are shared, not copied;
 * `editLayout(edited, layoutOf(model.original))` restores the checkpoint's own order.
 */
export function editLayout(model: Model, layout: string | number[] | LayoutEdit[]): Model {
  let order: number[];
  if (typeof layout === 'string') order = parseLayout(model, layout);
  else if (layout.length > 0 && typeof layout[0] === 'object') order = applyEdits(layoutOrder(model), layout as LayoutEdit[]);
  else order = layout as number[];
  if (order.length === 0) throw new LayoutError('', 'is empty; a model needs at least one block');
  const byIndex = new Map(model.original.map((b) => [b.index, b]));
  const blocks = order.map((i) => {
    const b = byIndex.get(i);
    if (!b) throw new LayoutError(order.join(','), `block ${i} does not exist (the model has blocks 0..${model.original.length - 1})`);
    return b;
  });
  return { ...model, blocks, layout: layoutOf(blocks) };
}
