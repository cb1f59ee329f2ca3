// The strip, the engine and the CLI agree on every layout: whatever the strip's edits, the string it
// shows is the one the engine resolves to the blocks the strip runs (a property over random
// checkpoints), and on the bundled hybrid the CLI's `--layout` runs those blocks with the same answers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../engine/cli/main';
import { phonebookCommand } from '../../../engine/cli/commands/phonebook';
import { modelFolder } from '../../../engine/cli/node-files';
import { generateGreedy } from '../../../engine/generate';
import { loadModel } from '../../../engine/io/checkpoint';
import { editLayout, formatLayout, layoutOrder, parseLayout, type BlockKind } from '../../../engine/layout';
import { runSweep, type SweepResult } from '../../../engine/phonebook/sweep';
import {
  duplicateItem, effectiveLayout, identityItems, itemsFromText, layoutString, moveItem, removeItem, swapItems,
  toggleDrop, type LayoutItem,
} from './layoutEdits';

type StripEdit =
  | { op: 'move'; from: number; to: number }
  | { op: 'drop'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'remove'; at: number };

const slot = fc.nat(40);
const stripEdit: fc.Arbitrary<StripEdit> = fc.oneof(
  fc.record({ op: fc.constant('move' as const), from: slot, to: slot }),
  fc.record({ op: fc.constant('drop' as const), at: slot }),
  fc.record({ op: fc.constant('duplicate' as const), at: slot }),
  fc.record({ op: fc.constant('swap' as const), a: slot, b: slot }),
  fc.record({ op: fc.constant('remove' as const), at: slot }),
);
const kindList = fc.array(fc.constantFrom<BlockKind>('mamba1', 'mamba2', 'attention', 'mlp'), { minLength: 1, maxLength: 12 });

/** The strip after `edits`, slot numbers taken modulo its length; an edit that leaves no running
 *  block is refused, as the layout slice refuses it. */
function applyStripEdits(start: LayoutItem[], edits: readonly StripEdit[]): LayoutItem[] {
  let items = start;
  for (const e of edits) {
    const at = (i: number) => i % items.length;
    const next = e.op === 'move' ? moveItem(items, at(e.from), at(e.to))
      : e.op === 'duplicate' ? duplicateItem(items, at(e.at))
        : e.op === 'swap' ? swapItems(items, at(e.a), at(e.b))
          : e.op === 'remove' ? removeItem(items, at(e.at))
            : toggleDrop(items, at(e.at));
    if (next.some((it) => !it.dropped)) items = next;
  }
  return items;
}
const stripEdits = fc.array(stripEdit, { maxLength: 24 });

describe('the strip and the engine agree on every layout', () => {
  it('the printed string parses to the strip\'s effective order, and prints back the same', () => {
    fc.assert(fc.property(kindList, stripEdits, (kinds, edits) => {
      const original = kinds.map((kind, index) => ({ index, kind }));
      const items = applyStripEdits(identityItems(original), edits);
      const text = layoutString(items, original);
      const order = parseLayout(kinds, text);
      expect(order).toEqual(effectiveLayout(items));
      expect(formatLayout(kinds, order)).toBe(text);
      const typed = itemsFromText(text, original);
      expect(typed.ok && effectiveLayout(typed.items)).toEqual(order);
    }), { numRuns: 1000, seed: 16 });
  });
});

describe('the bundled hybrid (M-M*M-M-) runs the strip\'s layouts the same through the CLI', async () => {
  const dir = 'assets/models/hybrid';
  const model = await loadModel(await modelFolder(dir));
  const kinds = model.original.map((b) => b.kind);
  const original = kinds.map((kind, index) => ({ index, kind }));
  const work = mkdtempSync(join(tmpdir(), 'hs-layout-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // the last Mamba block duplicated (the layout the CLI used to refuse), then random edit sequences
  const strips = [duplicateItem(identityItems(original), 6), ...fc.sample(stripEdits, { numRuns: 4, seed: 8 }).map((e) => applyStripEdits(identityItems(original), e))];
  const book = { entries: '6', samples: '2', seed: '3', format: 'bare', shots: '1' } as const;

  it.each(strips.map((items) => [layoutString(items, original), items] as const))('%s', async (text, items) => {
    const order = effectiveLayout(items);
    expect(layoutOrder(editLayout(model, text))).toEqual(order);

    // the strip's run: the service arranges the model by the blocks the strip runs
    const arranged = editLayout(model, order);
    const strip = await runSweep({
      models: [{ id: dir, layout: arranged.layout, tokenizer: model.tokenizer!, decode: (ids, maxNew, stopAt) => {
        const r = generateGreedy(arranged, ids, maxNew, { stopAt, topK: 1 });
        return { ids: r.tokens.map((t) => t.id), logprobs: r.tokens.map((t) => t.logprob) };
      } }],
      lengths: [{ entries: Number(book.entries) }], formats: [book.format], samples: Number(book.samples), seed: Number(book.seed), shots: Number(book.shots),
    });

    // the CLI's run of the string the strip shows
    const out = join(work, 'result.json');
    const argv = ['phonebook', dir, '--layout', text, '--entries', book.entries, '--samples', book.samples, '--seed', book.seed, '--format', book.format, '--shots', book.shots, '--out', out, '--json'];
    let stdout = '';
    const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: () => {} }, [phonebookCommand]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).layout).toBe(text);
    const cli = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
    expect(cli.samples.map((s) => [s.answer, s.generated])).toEqual(strip.samples.map((s) => [s.answer, s.generated]));
    expect(cli.points.map((p) => [p.accuracy, p.digitAccuracy])).toEqual(strip.points.map((p) => [p.accuracy, p.digitAccuracy]));
  });
});
