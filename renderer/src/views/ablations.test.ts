import { describe, expect, it } from 'vitest';
import type { CatalogEntry, ModelEvaluation, ReferencePoint } from '../../../app/protocol';
import { ablationRows, cacheAt, kindPattern, STUDY_PRESETS, trainedWithLayout, variesText } from './ablations';

const entry = (id: string, layout: string, over: Partial<CatalogEntry> = {}): CatalogEntry => ({ id, name: id, architecture: 'x', layout, parameters: 3.5e6, ...over });
const point = (entries: number, correct: number): ReferencePoint => ({
  format: 'bare', variant: 'standard', seed: 1e6, entries, samples: 100, correct, digitAccuracy: 0.5, wrongDigitAccuracy: 0.3, meanTokens: 16 * entries + 38, wrongOtherEntry: 5,
});
const evaluation = (id: string, points: ReferencePoint[]): ModelEvaluation => ({
  id, points, loss: [], training: null, problems: [], blockCache: [{ state: 1000, kvPerToken: 0 }, { state: 0, kvPerToken: 512 }],
});

describe('ablation rows', () => {
  const catalog = [
    entry('seed2', 'M-M*M-M-', { ablation: { axis: 'seed', value: 2, base: 'hybrid' }, weights: false }),
    entry('hybrid', 'M-M*M-M-'),
    entry('attn2', 'M-M*M-M*', { ablation: { axis: 'attention-count', value: 2, base: 'hybrid' } }),
    entry('attn0', 'M-MMM-M-', { ablation: { axis: 'attention-count', value: 0, base: 'hybrid' } }),
  ];
  const rows = ablationRows(catalog, [evaluation('hybrid', [point(8, 100), point(32, 97)])], 'bare', (e) => (e.id === 'attn0' ? [{ series: 'attn0 · M-MMM-M-', entries: 32, samples: 10, accuracy: 0.4, digitAccuracy: 0.6, meanTokens: 550 }] : []));

  it('lists the bundled models first, then the variants by axis and value, then the study\'s layout', () => {
    expect(rows.map((r) => r.id)).toEqual(['hybrid', 'attn0', 'attn2', 'seed2', STUDY_PRESETS[0].id]);
  });

  it('gives each row its cache at 1,000 tokens and its shipped and measured accuracy per length', () => {
    const h = rows[0];
    expect(h.cacheBytes).toBe(1000 + 512 * 1000);
    expect(h.seed).toBe(1e6);
    expect(h.cells.map((c) => c.entries)).toEqual([8, 16, 32, 48, 64]);
    expect(h.cells.map((c) => c.shipped?.accuracy ?? null)).toEqual([1, null, 0.97, null, null]);
    expect(rows[1].cells[2].measured?.accuracy).toBe(0.4);
    expect(rows[1].cacheBytes).toBeNull(); // no evaluation read for it
  });

  it('puts planned variants among the trained ones by axis, base and value (positions in stack order), without numbers', () => {
    const planned = [
      { id: 'mamba2-seed1', layout: 'MMMMMMMM', ablation: { axis: 'seed' as const, value: 1, base: 'mamba2' } },
      { id: 'late', layout: 'M-MM-M*-', ablation: { axis: 'attention-position' as const, value: 'late', base: 'hybrid' } },
      { id: 'early', layout: 'M*-MM-M-', ablation: { axis: 'attention-position' as const, value: 'early', base: 'hybrid' } },
      { id: 'first', layout: '*M-MM-M-', ablation: { axis: 'attention-position' as const, value: 'first', base: 'hybrid' } },
      { id: 'attn1b', layout: 'M-M*M-M-', ablation: { axis: 'attention-count' as const, value: 1, base: 'hybrid' } },
    ];
    const all = ablationRows(catalog, [], 'bare', () => [], planned);
    // positions in the stack's order (first, early, late), not alphabetical
    expect(all.map((r) => r.id)).toEqual(['hybrid', 'attn0', 'attn1b', 'attn2', 'first', 'early', 'late', 'seed2', 'mamba2-seed1', STUDY_PRESETS[0].id]);
    const late = all.find((r) => r.id === 'late')!;
    expect(late.planned?.layout).toBe('M-MM-M*-');
    expect(late.entry).toBeNull();
    expect(late.parameters).toBeNull();
    expect(late.cells.every((c) => c.shipped === null && c.measured === null)).toBe(true);
    expect(variesText(late.planned)).toBe('attention late (vs hybrid)');
  });

  it('says what a variant varies', () => {
    expect(variesText(catalog[3])).toBe('0 attention blocks (vs hybrid)');
    expect(variesText(catalog[0])).toBe('seed 2 (vs hybrid)');
    expect(variesText(catalog[1])).toBe('');
  });
});

describe('the study\'s 8B hybrid as a preset', () => {
  it('has 56 blocks: 24 Mamba-2, 4 attention (layers 10, 22, 33, 45), 28 MLP', () => {
    const p = STUDY_PRESETS[0];
    expect(p.layout).toHaveLength(56);
    expect([...p.layout].filter((c) => c === 'M')).toHaveLength(24);
    expect([...p.layout].flatMap((c, i) => (c === '*' ? [i] : []))).toEqual([10, 22, 33, 45]);
    expect([...p.layout].filter((c) => c === '-')).toHaveLength(28);
  });

  it('keeps 24 states of 128 heads × 64 × 128 plus conv windows, and 4 layers of K and V for 8 groups of 128', () => {
    const state = 24 * 4 * (3 * (8192 + 2 * 8 * 128) + 128 * 64 * 128);
    expect(cacheAt(STUDY_PRESETS[0].cache, 0)).toBe(state);
    expect(cacheAt(STUDY_PRESETS[0].cache, 1000) - state).toBe(1000 * 4 * 2 * 4 * 8 * 128);
  });
});

describe('trained with the edited layout', () => {
  const catalog = [entry('hybrid', 'M-M*M-M-'), entry('mamba2', 'MMMMMMMM'), entry('attn0', 'M-MMM-M-', { ablation: { axis: 'attention-count', value: 0, base: 'hybrid' } }), entry('late', 'M-MMM-M*', { weights: false })];

  it('matches kinds in order, whatever block numbers the edit wrote', () => {
    expect(kindPattern('M-M*M-MM6-')).toBe('M-M*M-MM-');
    expect(kindPattern('M-M*X')).toBeNull();
    expect(trainedWithLayout('M0M2M4M6M0M2M4M6', catalog, 'hybrid').map((c) => c.id)).toEqual(['mamba2']);
    expect(trainedWithLayout('M-MM4M2-M6-', catalog, 'hybrid').map((c) => c.id)).toEqual(['attn0']);
  });

  it('offers neither the open model nor a variant without weights', () => {
    expect(trainedWithLayout('M-M*M-M-', catalog, 'hybrid')).toEqual([]);
    expect(trainedWithLayout('M-MMM-M*', catalog, 'hybrid')).toEqual([]);
  });
});
