// Block kinds, the layout notation and layer-order edits: the one definition every layer imports
// (the strip, the CLI's --layout, run and sweep specs, experiment files, figure labels).
//
// A checkpoint's blocks are numbered 0..L-1 in checkpoint order: the ORIGINAL index, the number the
// strip shows under each block. A layout string names the blocks a model runs, in run order:
//   - one char per block: `M` Mamba-2, `m` Mamba-1, `*` attention, `-` MLP, `E` mixture-of-experts MLP,
//     `P` parallel layer (Falcon-H1: attention and Mamba-2 side by side on one input, summed), `S`
//     shared-transformer layer (Zamba2: a transformer block shared between depths feeding the layer's Mamba-2);
//   - a block that holds other kinds' mixers (KIND_PARTS) is one block: its parts cannot be named,
//     moved or dropped apart (they share one input), and asking for them says so;
//   - a plain char takes the next block of that kind not yet used, in checkpoint order;
//   - a char followed by a number (`M6`) takes the block with that original index, which must be of
//     that kind; it may repeat a block, and it counts as used for later plain chars;
//   - whitespace is ignored between blocks, and ends a number (`M6 7` is an error, not M67).
// So the checkpoint's own order prints as it always has (`M-M*M-M-`), dropping the last block of a
// kind or moving a block past blocks of other kinds stays plain (`M-M*M-M`, `*M-MM-M-`), and a
// repeat, a skipped block or a swap within a kind names its block (`M-M*M-MM6-`, `M-*M4-M6-`).
// `formatLayout` writes the canonical string: a plain char wherever the parser would pick that block
// anyway, else char + index; `parseLayout(kinds, formatLayout(kinds, order))` is `order` for every
// order. Running out of plain chars of a kind is an error, never a wrap-around: a string means one
// list of blocks on every host.
// Edits (move, drop, duplicate, swap) are data over lists of original indices; `editLayout` makes a
// Model that runs blocks in a new order over the same weight objects, so every edit is free and
// reversible.
import { LayoutError } from './errors';
import type { Model } from './model';

export type BlockKind = 'mamba1' | 'mamba2' | 'attention' | 'mlp' | 'moe' | 'parallel' | 'shared';
export type LayoutChar = 'm' | 'M' | '*' | '-' | 'E' | 'P' | 'S';

export const KIND_CHAR: Readonly<Record<BlockKind, LayoutChar>> = {
  mamba1: 'm', mamba2: 'M', attention: '*', mlp: '-', moe: 'E', parallel: 'P', shared: 'S',
};
export const CHAR_KIND: Readonly<Record<LayoutChar, BlockKind>> = {
  m: 'mamba1', M: 'mamba2', '*': 'attention', '-': 'mlp', E: 'moe', P: 'parallel', S: 'shared',
};

/** What each kind is, in words: the one naming the notation's messages, the strip and figure legends use. */
export const KIND_NAME: Readonly<Record<BlockKind, string>> = {
  mamba2: 'Mamba-2', mamba1: 'Mamba-1', attention: 'attention', mlp: 'MLP', moe: 'mixture-of-experts MLP',
  parallel: 'parallel attention + Mamba-2', shared: 'shared transformer + Mamba-2',
};

/** Kinds whose block holds other kinds' mixers, which run inside it and cannot be moved apart. */
export const KIND_PARTS: Readonly<Partial<Record<BlockKind, readonly BlockKind[]>>> = {
  parallel: ['attention', 'mamba2'],
  shared: ['attention', 'mlp', 'mamba2'],
};

/** A checkpoint block as model descriptions list it: original index, kind, and for a block running a
 *  transformer shared between depths (zamba2's S), which shared block — the others with the same
 *  number run the same weights. */
export interface BlockInfo { index: number; kind: BlockKind; shared?: number }

/** Whether a block of `kind` runs a `part` mixer: itself, or inside it (KIND_PARTS). */
export function kindHas(kind: BlockKind, part: BlockKind): boolean {
  return kind === part || (KIND_PARTS[kind]?.includes(part) ?? false);
}

const isLayoutChar = (c: string): c is LayoutChar => Object.hasOwn(CHAR_KIND, c);

/** Block indices have at most this many digits (models have far fewer than a million blocks). */
const MAX_INDEX_DIGITS = 6;

/** One block a layout string names: its kind, the original index when written (`M6`), and the
 *  1-based character position where it starts (for error messages). */
export interface LayoutToken { kind: BlockKind; index: number | null; at: number }

/**
 * The blocks a layout string names, checked for syntax only (known chars, numbers after a char);
 * `parseLayout` checks them against a checkpoint. The request validator uses this alone.
 */
export function readLayout(text: string): LayoutToken[] {
  const tokens: (LayoutToken & { digits: string })[] = [];
  let open = false; // whether digits here extend the last block's index: whitespace ends it
  [...text].forEach((c, i) => {
    if (/\s/.test(c)) {
      open = false;
      return;
    }
    const last = tokens.at(-1);
    if (c >= '0' && c <= '9') {
      if (!last || !open) throw new LayoutError(text, `the number at character ${i + 1} follows no block char (an index goes right after its block's char, as in M6)`);
      if (last.digits.length >= MAX_INDEX_DIGITS) throw new LayoutError(text, `the index at character ${last.at + 1} is too long (at most ${MAX_INDEX_DIGITS} digits)`);
      last.digits += c;
    } else if (isLayoutChar(c)) {
      tokens.push({ kind: CHAR_KIND[c], index: null, at: i + 1, digits: '' });
      open = true;
    } else {
      const chars = (Object.keys(CHAR_KIND) as LayoutChar[]).map((k) => `${k} ${KIND_NAME[CHAR_KIND[k]]}`).join(', ');
      throw new LayoutError(text, `unknown block char ${JSON.stringify(c)} at character ${i + 1} (use ${chars}, and a number to name a block, as in M6)`);
    }
  });
  return tokens.map(({ kind, at, digits }) => ({ kind, at, index: digits === '' ? null : Number(digits) }));
}

/** The checkpoint's own order: every block once, as stored. */
export function checkpointOrder(kinds: readonly BlockKind[]): number[] {
  return kinds.map((_, i) => i);
}

/** The first block of `kind` not in `used`, in checkpoint order: what a plain char resolves to. */
function nextUnused(kinds: readonly BlockKind[], kind: BlockKind, used: ReadonlySet<number>): number | undefined {
  const i = kinds.findIndex((k, b) => k === kind && !used.has(b));
  return i < 0 ? undefined : i;
}

/**
 * The original block indices a layout string names, in run order, over a checkpoint whose blocks
 * have `kinds` (in checkpoint order). Throws a one-line LayoutError for anything it cannot run.
 */
export function parseLayout(kinds: readonly BlockKind[], text: string): number[] {
  const tokens = readLayout(text);
  if (tokens.length === 0) throw new LayoutError(text, 'is empty; a model needs at least one block');
  const used = new Set<number>();
  return tokens.map(({ kind, index, at }) => {
    const ch = KIND_CHAR[kind];
    if (index !== null) {
      if (index >= kinds.length) {
        throw new LayoutError(text, `${ch}${index} at character ${at}: block ${index} does not exist (the checkpoint has blocks 0–${kinds.length - 1})`);
      }
      if (kinds[index] !== kind) {
        throw new LayoutError(text, `${ch}${index} at character ${at}: block ${index} is ${kinds[index]}, not ${kind} (write ${KIND_CHAR[kinds[index]]}${index})`);
      }
      used.add(index);
      return index;
    }
    const next = nextUnused(kinds, kind, used);
    if (next === undefined) {
      const ofKind = checkpointOrder(kinds).filter((b) => kinds[b] === kind);
      if (ofKind.length === 0) {
        const holder = kinds.find((k) => KIND_PARTS[k]?.includes(kind));
        if (holder) {
          throw new LayoutError(text, `"${ch}" at character ${at}: this checkpoint's ${KIND_NAME[kind]} runs only inside its ${KIND_NAME[holder]} blocks (${KIND_CHAR[holder]}), which move, drop and repeat as a whole`);
        }
        throw new LayoutError(text, `"${ch}" at character ${at}: the checkpoint has no ${kind} blocks (its layout is ${formatLayout(kinds, checkpointOrder(kinds))})`);
      }
      throw new LayoutError(text, `"${ch}" at character ${at} asks for more ${ch} blocks than the ${ofKind.length} the checkpoint has; name a block to repeat it, e.g. ${ch}${ofKind[ofKind.length - 1]}`);
    }
    used.add(next);
    return next;
  });
}

/** The canonical layout string of `order` (original indices) over a checkpoint whose blocks have `kinds`. */
export function formatLayout(kinds: readonly BlockKind[], order: readonly number[]): string {
  const used = new Set<number>();
  return order.map((b) => {
    const kind = Number.isInteger(b) ? kinds[b] : undefined;
    if (kind === undefined) throw new LayoutError(order.join(','), `block ${b} does not exist (the checkpoint has blocks 0–${kinds.length - 1})`);
    const plain = nextUnused(kinds, kind, used) === b;
    used.add(b);
    return plain ? KIND_CHAR[kind] : `${KIND_CHAR[kind]}${b}`;
  }).join('');
}

export type LayoutEdit =
  | { op: 'move'; from: number; to: number }
  | { op: 'drop'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; a: number; b: number };

/** Original block indices of the model's current layout, in run order. */
export function layoutOrder(model: Model): number[] {
  return model.blocks.map((b) => b.index);
}

/** Apply edits to a list of original indices; positions refer to the list as it is when each edit runs. */
export function applyEdits(order: readonly number[], edits: readonly LayoutEdit[]): number[] {
  const out = [...order];
  const check = (i: number, what: string) => {
    if (!Number.isInteger(i) || i < 0 || i >= out.length) {
      throw new LayoutError(out.join(','), `${what} ${i} is outside 0..${out.length - 1}`);
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
 * `editLayout(edited, model.layout)` restores the checkpoint's own order.
 */
export function editLayout(model: Model, layout: string | readonly number[] | readonly LayoutEdit[]): Model {
  const kinds = model.original.map((b) => b.kind);
  let order: readonly number[];
  if (typeof layout === 'string') order = parseLayout(kinds, layout);
  else if (layout.length > 0 && typeof layout[0] === 'object') order = applyEdits(layoutOrder(model), layout as readonly LayoutEdit[]);
  else order = layout as readonly number[];
  if (order.length === 0) throw new LayoutError('', 'is empty; a model needs at least one block');
  const printed = formatLayout(kinds, order); // also refuses indices the checkpoint does not have
  return { ...model, blocks: order.map((i) => model.original[i]), layout: printed };
}
