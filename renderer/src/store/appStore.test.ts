import { describe, expect, it } from 'vitest';
import { createAppStore } from './appStore';
import { effectiveLayout, layoutString } from './layoutEdits';
import type { ModelSummary } from './modelSlice';
import { matchingBaseline } from '../cache/useRun';

const hybrid: ModelSummary = {
  ref: { kind: 'bundled', id: 'hybrid' }, name: 'Hybrid', modelType: 'nemotron_h', layout: 'M-M*-',
  contentHash: '', loaded: true, warnings: [],
  layers: [
    { index: 0, kind: 'mamba2' }, { index: 1, kind: 'mlp' }, { index: 2, kind: 'mamba2' },
    { index: 3, kind: 'attention' }, { index: 4, kind: 'mlp' },
  ],
  parameters: 1000, vocabSize: 64, hasTokenizer: true,
};

describe('app store', () => {
  it('opening a model resets the layout to its identity', () => {
    const s = createAppStore();
    s.getState().startOpeningModel('Hybrid');
    expect(s.getState().modelStatus).toBe('loading');
    s.getState().openedModel(hybrid);
    expect(s.getState().modelStatus).toBe('ready');
    expect(layoutString(s.getState().items, hybrid.layers)).toBe('M-M*-');
  });

  it('switching to a model with fewer blocks never shows a subscriber the old blocks', () => {
    const s = createAppStore();
    s.getState().openedModel({ ...hybrid, ref: { kind: 'bundled', id: 'long' }, layout: 'M-M*-M-M', layers: [...hybrid.layers, { index: 5, kind: 'mamba2' }, { index: 6, kind: 'mlp' }, { index: 7, kind: 'mamba2' }] });
    s.getState().toggleDropBlock(7);
    const seen: string[] = [];
    s.subscribe((now) => seen.push(layoutString(now.items, now.model!.layers)));
    s.getState().openedModel(hybrid);
    expect(seen).toEqual(['M-M*-']);
    expect(s.getState().past).toEqual([]);
  });

  it('undo and redo walk the edit history; a new edit clears redo', () => {
    const s = createAppStore();
    s.getState().openedModel(hybrid);
    s.getState().toggleDropBlock(3);
    s.getState().moveBlock(0, 2);
    // blocks 1, 2, 0, 4: block 2 runs before block 0, so it is named
    expect(layoutString(s.getState().items, hybrid.layers)).toBe('-M2M-');
    s.getState().undo();
    expect(layoutString(s.getState().items, hybrid.layers)).toBe('M-M-');
    s.getState().undo();
    expect(layoutString(s.getState().items, hybrid.layers)).toBe('M-M*-');
    s.getState().undo();
    expect(s.getState().past).toHaveLength(0);
    s.getState().redo();
    expect(layoutString(s.getState().items, hybrid.layers)).toBe('M-M-');
    s.getState().duplicateBlock(0);
    expect(s.getState().future).toHaveLength(0);
    expect(effectiveLayout(s.getState().items)).toEqual([0, 0, 1, 2, 4]);
  });

  it('refuses to drop the last block and a bad typed layout, leaving the layout as it was', () => {
    const s = createAppStore();
    s.getState().openedModel({ ...hybrid, layout: 'M', layers: [{ index: 0, kind: 'mamba2' }] });
    s.getState().toggleDropBlock(0);
    expect(s.getState().layoutError).toMatch(/at least one block/);
    expect(s.getState().items[0].dropped).toBe(false);
    // nor by removing the one running copy of a block whose other copy is dropped
    s.getState().duplicateBlock(0);
    s.getState().toggleDropBlock(0);
    s.getState().removeBlock(1);
    expect(s.getState().layoutError).toMatch(/at least one block/);
    expect(effectiveLayout(s.getState().items)).toEqual([0]);
    s.getState().undo();
    s.getState().undo();
    expect(s.getState().setLayoutText('M*')).toBe(false);
    expect(s.getState().layoutError).toMatch(/no attention block/);
    expect(s.getState().past).toHaveLength(0);
  });

  it('clamps the phonebook spec', () => {
    const s = createAppStore();
    s.getState().updateSpec({ entries: 0, depth: 3, seed: -4 });
    expect(s.getState().spec).toMatchObject({ entries: 1, depth: 1, seed: 0 });
  });

  it('tracks a run: first-record latency, progress, finish and baseline', () => {
    const s = createAppStore();
    s.getState().startRun({ id: 1, modelId: 'hybrid', modelName: 'Hybrid', layout: 'M-M*-', blocks: [0, 1, 2, 3, 4], spec: null, layersTotal: 5, startedAt: 1000 });
    s.getState().recordArrived(1, 1, 1040);
    s.getState().recordArrived(1, 5, 1300);
    const r = s.getState().runs[1];
    expect(r.firstRecordMs).toBe(40);
    expect(r.phase).toBe('generate');
    expect(r.version).toBe(2);
    s.getState().finishRun(1, 'done');
    s.getState().setBaseline(1);
    expect(s.getState().runs[1].status).toBe('done');
    expect(s.getState().baselineRunId).toBe(1);
  });

  it('keeps one sweep point per series and length', () => {
    const s = createAppStore();
    s.getState().startSweep({ id: 7, series: [], entries: [10, 20], samples: 4, total: 4 });
    const p = { series: 'a', entries: 10, meanTokens: 50, samples: 4, accuracy: 0.5, digitAccuracy: 0.8 };
    s.getState().sweepPoint(7, p);
    s.getState().sweepPoint(7, { ...p, accuracy: 1 });
    expect(s.getState().sweeps[7].points).toEqual([{ ...p, accuracy: 1 }]);
  });

  it('keeps one cost point per series and context length', () => {
    const s = createAppStore();
    const c = { series: 'hybrid · M-M*-', promptTokens: 500, msPerToken: 4, prefillMs: 90, cacheBytes: null };
    s.getState().addCost(c);
    s.getState().addCost({ ...c, msPerToken: 3 });
    s.getState().addCost({ ...c, promptTokens: 1000 });
    expect(s.getState().costs.map((x) => [x.promptTokens, x.msPerToken])).toEqual([[500, 3], [1000, 4]]);
  });

  it('focus, inspected block and head: a new block starts on the mean of heads', () => {
    const s = createAppStore();
    s.getState().selectHead(3);
    s.getState().inspect(5);
    expect(s.getState()).toMatchObject({ inspectBlock: 5, head: 0 });
    s.getState().selectHead(-2);
    expect(s.getState().head).toBe(0);
    s.getState().focusPosition(12);
    expect(s.getState().focusPos).toBe(12);
  });

  it('compares a run with the latest checkpoint-layout run on the same prompt, else the pinned one', () => {
    const s = createAppStore();
    s.getState().openedModel(hybrid);
    const spec = { entries: 40, format: 'bare' as const, variant: 'standard' as const, depth: 0.5, seed: 1, fewShot: 2 };
    const start = (id: number, layout: string, seed: number) => {
      s.getState().startRun({ id, modelId: 'bundled:hybrid', modelName: 'Hybrid', layout, blocks: [], spec: { ...spec, seed }, layersTotal: 5, startedAt: 0 });
      s.getState().finishRun(id, 'done');
    };
    start(1, 'M-M*-', 1);
    s.getState().setBaseline(1);
    start(2, 'M-M*-', 2);
    start(3, 'M-M-', 2);
    expect(matchingBaseline(s.getState())).toBe(2);
    start(4, 'M-M-', 3);
    expect(matchingBaseline(s.getState())).toBe(1);
  });

  it('keeps a trace opened as the baseline beside the current run, which it does not replace', () => {
    const s = createAppStore();
    s.getState().openedModel(hybrid);
    const spec = { entries: 40, format: 'bare' as const, variant: 'standard' as const, depth: 0.5, seed: 1, fewShot: 2 };
    s.getState().startRun({ id: 1, modelId: 'bundled:hybrid', modelName: 'Hybrid', layout: 'M-M*-', blocks: [], spec, layersTotal: 5, startedAt: 0 });
    s.getState().finishRun(1, 'done');
    s.getState().startRun({ id: 2, modelId: 'bundled:hybrid', modelName: 'Hybrid', layout: 'M-M-', blocks: [], spec, layersTotal: 4, startedAt: 0 });
    s.getState().finishRun(2, 'done');
    expect(matchingBaseline(s.getState())).toBe(1);
    s.getState().startRun({ id: 9, modelId: 'trace:t.hstrace', modelName: 'Transformer', layout: '*-*-', blocks: [], spec, layersTotal: 4, startedAt: 0, source: 'trace', trace: 't.hstrace' }, false);
    s.getState().setBaseline(9);
    expect(s.getState().currentRunId).toBe(2);
    // asked for by name: it wins over the checkpoint-layout run on the same prompt
    expect(matchingBaseline(s.getState())).toBe(9);
  });
});
