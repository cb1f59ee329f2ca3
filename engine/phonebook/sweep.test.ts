import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizer';
import { deriveSeed } from './prng';
import { cliReport, sweepToCsv } from './results';
import type { GreedyDecode } from './score';
import { runSweep, type SweepModel, type SweepProgress, type SweepSpec } from './sweep';

const tok = loadTokenizer(JSON.parse(readFileSync('assets/tokenizer/tokenizer.json', 'utf8')));

/**
 * A scripted "model" that reads the prompt text and looks the target up in the book; in books longer
 * than `memory` entries it blurs the last three digits (d → d+1 mod 10): exactly 7 of 10 right.
 */
function reader(memory: number): GreedyDecode {
  return (ids, maxNew, stopAt) => {
    const text = tok.decode(ids);
    const lines = text.split('\n');
    const last = lines[lines.length - 1] === 'Answer:' ? lines[lines.length - 2].replace(/^What is the phone number for (.*)\?$/, '$1:') : lines[lines.length - 1];
    const book = lines.filter((l) => /^[A-Za-z]+ [A-Za-z]+: [0-9-]+$/.test(l));
    let number = book.find((l) => l.startsWith(last + ' '))!.slice(last.length + 1);
    if (new Set(book).size > memory) number = number.slice(0, -3) + [...number.slice(-3)].map((d) => String((Number(d) + 1) % 10)).join('');
    const out = tok.encode(` ${number}\nWhat`).ids;
    const cut = out.findIndex(stopAt) + 1;
    expect(cut).toBeLessThanOrEqual(maxNew);
    return { ids: out.slice(0, cut), logprobs: out.slice(0, cut).map(() => -0.5) };
  };
}

const model: SweepModel = { id: 'reader', layout: 'M*', tokenizer: tok, decode: reader(20) };
const spec = (over: Partial<SweepSpec> = {}): SweepSpec => ({
  models: [model],
  lengths: [{ entries: 5 }, { entries: 20 }, { entries: 40 }],
  formats: ['question'],
  variants: ['standard'],
  samples: 6,
  seed: 9,
  ...over,
});

describe('runSweep', () => {
  it('scores every point, reports progress with an ETA, and is deterministic', async () => {
    let clock = 0;
    const events: SweepProgress[] = [];
    const r = await runSweep(spec({ variants: ['standard', 'reversed'] }), { onProgress: (p) => events.push(p), now: () => (clock += 10) });
    expect(events.map((e) => e.done)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(events.every((e) => e.total === 36)).toBe(true);
    expect(events[35].etaMs).toBe(0);
    expect(r).toMatchObject({ done: 36, total: 36, cancelled: false });
    expect(r.points.map((p) => [p.variant, p.entries, p.samples, p.accuracy, p.digitAccuracy, p.wrongDigitAccuracy])).toEqual([
      ['standard', 5, 6, 1, 1, null],
      ['standard', 20, 6, 1, 1, null],
      ['standard', 40, 6, 0, 0.7, 0.7],
      ['reversed', 5, 6, 1, 1, null],
      ['reversed', 20, 6, 1, 1, null],
      ['reversed', 40, 6, 0, 0.7, 0.7],
    ]);
    // sample k uses the same seed at every point: paired comparisons
    expect(r.samples.filter((s) => s.entries === 40).map((s) => s.seed)).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5].map((k) => deriveSeed(9, k)));
    const again = await runSweep(spec({ variants: ['standard', 'reversed'] }));
    expect(again.samples).toEqual(r.samples);
    expect(again.points).toEqual(r.points);
  });

  it('estimates the time left from the work left, a sample costing in proportion to its book', async () => {
    // a clock where every sample takes 3 ms per entry (+ one entry's worth): the ETA is then exact
    let clock = 0;
    const cost = (entries: number) => 3 * (entries + 1);
    const timed: SweepModel = { ...model, decode: (ids, maxNew, stopAt) => {
      clock += cost(tok.decode(ids).split('\n').filter((l) => /^[A-Za-z]+ [A-Za-z]+: /.test(l)).length);
      return reader(100)(ids, maxNew, stopAt);
    } };
    const events: SweepProgress[] = [];
    await runSweep(spec({ models: [timed], samples: 4 }), { onProgress: (p) => events.push(p), now: () => clock });
    const totalMs = 4 * (cost(5) + cost(20) + cost(40));
    for (const e of events) expect(e.elapsedMs + e.etaMs).toBeCloseTo(totalMs, 6);
  });

  it('stops between samples when cancelled and keeps the partial results', async () => {
    const signal = { aborted: false };
    let pauses = 0;
    const r = await runSweep(spec(), {
      signal,
      onProgress: (p) => {
        if (p.done === 8) signal.aborted = true;
      },
      pause: async () => {
        pauses++;
      },
    });
    expect(r).toMatchObject({ cancelled: true, done: 8, total: 18 });
    expect(pauses).toBe(8);
    expect(r.points.map((p) => [p.entries, p.samples])).toEqual([
      [5, 6],
      [20, 2],
    ]);
    expect(r.samples).toHaveLength(8);
  });

  it('sweeps token budgets and depths, and writes CSV and the CLI JSON', async () => {
    const r = await runSweep(spec({ lengths: [{ tokens: 300 }, { tokens: 1200 }], depths: [0, 1], samples: 3 }));
    expect(r.points).toHaveLength(4);
    for (const p of r.points) {
      expect(p.entries).toBeNull();
      expect(p.meanTokens).toBeLessThanOrEqual(p.tokens!);
      expect(p.meanTokens).toBeGreaterThan(p.tokens! - 20);
    }
    const depthZero = r.samples.filter((s) => s.depth === 0);
    expect(depthZero.map((s) => s.target)).toEqual([0, 0, 0, 0, 0, 0]);
    const csv = sweepToCsv(r).trim().split('\n');
    expect(csv[0]).toBe('model,layout,format,variant,entries,tokens,depth,samples,mean_entries,mean_tokens,accuracy,digit_accuracy,wrong_digit_accuracy,wrong_other_entry,wrong_same_name');
    expect(csv).toHaveLength(5);
    expect(csv[1].split(',').slice(0, 8)).toEqual(['reader', 'M*', 'question', 'standard', '', '300', '0', '3']);
    const report = cliReport(r, { model: 'reader', layout: 'M*', variant: 'standard', format: 'question', depth: null });
    expect(report.results[0]).toEqual({
      entries: r.points[0].meanEntries,
      tokens: 300,
      depth: 0,
      mean_tokens: r.points[0].meanTokens,
      samples: 3,
      accuracy: r.points[0].accuracy,
      digit_accuracy: r.points[0].digitAccuracy,
      wrong_digit_accuracy: r.points[0].wrongDigitAccuracy,
      wrong_other_entry: r.points[0].wrongOtherEntry,
      wrong_same_name: r.points[0].wrongSameName,
    });
  });

  it('pools digits over the wrong answers separately (the fuzzy memory)', async () => {
    // right on every other sample, 7 of 10 digits otherwise
    let calls = 0;
    const alternating: SweepModel = { ...model, decode: (ids, maxNew, stopAt) => reader(calls++ % 2 ? 0 : 100)(ids, maxNew, stopAt) };
    const r = await runSweep(spec({ models: [alternating], lengths: [{ entries: 10 }], samples: 8 }));
    expect(r.points[0]).toMatchObject({ accuracy: 0.5, wrongDigitAccuracy: 0.7, wrongOtherEntry: 0, wrongSameName: 0 });
    expect(r.points[0].digitAccuracy).toBeCloseTo(0.85, 12);
    expect(r.samples.every((s) => s.retrieved === null)).toBe(true);
  });

  it('says which wrong answers are another entry\'s number, and which of those share a name with the target', async () => {
    // 3 first × 2 last names, 6 entries: every pairing is in the book, so the target (F, L) has two
    // entries sharing L, one sharing F and two sharing neither. Sample k answers:
    // 0 right, 1 fuzzy, 2 an entry sharing the last name, 3 an entry sharing no name.
    const names = { first: ['James', 'Mary', 'Robert'], last: ['Smith', 'Johnson'] };
    let calls = 0;
    const confuser: GreedyDecode = (ids, _maxNew, stopAt) => {
      const lines = tok.decode(ids).split('\n');
      const [first, last] = lines[lines.length - 1].slice(0, -1).split(' ');
      const book = lines.filter((l) => /^[A-Za-z]+ [A-Za-z]+: [0-9]+$/.test(l)).map((l) => l.split(/[ :]+/));
      const pick = (f: (e: string[]) => boolean) => book.find(f)![2];
      const answers = [
        pick(([f, l]) => f === first && l === last),
        [...pick(([f, l]) => f === first && l === last)].map((d) => String((Number(d) + 5) % 10)).join(''),
        pick(([f, l]) => f !== first && l === last),
        pick(([f, l]) => f !== first && l !== last),
      ];
      const out = tok.encode(` ${answers[calls++ % 4]}\n`).ids;
      return { ids: out.slice(0, out.findIndex(stopAt) + 1), logprobs: out.map(() => 0) };
    };
    const r = await runSweep(spec({ models: [{ ...model, decode: confuser }], formats: ['bare'], lengths: [{ entries: 6 }], samples: 8, names }));
    expect(r.samples.map((s) => [s.exact, s.retrieved === null ? null : [s.retrieved.sharesFirst, s.retrieved.sharesLast]])).toEqual(
      [0, 1].flatMap(() => [[true, null], [false, null], [false, [false, true]], [false, [false, false]]]),
    );
    for (const s of r.samples.filter((s) => s.retrieved)) expect(s.line).toBe(s.generated.trim());
    expect(r.points[0]).toMatchObject({ accuracy: 0.25 });
    expect(r.points[0].wrongOtherEntry).toBeCloseTo(2 / 3, 12);
    expect(r.points[0].wrongSameName).toBeCloseTo(1 / 3, 12);
    const row = sweepToCsv(r).trim().split('\n')[1].split(',');
    expect(row.slice(-2).map(Number)).toEqual([r.points[0].wrongOtherEntry, r.points[0].wrongSameName]);
  });

  it('writes a layout that opens with an MLP block as text, not as a spreadsheet formula', async () => {
    const r = await runSweep(spec({ models: [{ ...model, id: 'a, "quoted" model', layout: '-M*M' }], lengths: [{ entries: 5 }], samples: 1 }));
    const row = sweepToCsv(r).split('\n')[1];
    expect(row.startsWith(`"a, ""quoted"" model",'-M*M,question,standard,5,,`)).toBe(true);
  });

  it('rejects an empty sweep', async () => {
    await expect(runSweep(spec({ lengths: [] }))).rejects.toThrow(/at least one model and one length/);
    await expect(runSweep(spec({ samples: 0 }))).rejects.toThrow(/samples must be a positive integer/);
  });
});
