// The checks between a trace's records and what the views index: a consistent record passes, and
// each disagreement a hostile trace could carry is one line naming the field.
import { describe, expect, it } from 'vitest';
import type { LayerRecord } from '../../../app/protocol';
import type { TraceHeader } from '../../../engine';
import { checkTraceHeader, checkTraceRecord, traceControls } from './traceCheck';
import { defaultControls } from '../store/promptSlice';

const T = 6;
const f32 = (...shape: number[]) => ({ dtype: 'f32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
const header = (): TraceHeader => ({
  producer: 'test', layout: 'M*', blocks: [0, 1],
  model: { name: 'tiny', model_type: 'nemotron_h', vocab_size: 10, layers: [{ index: 0, kind: 'mamba2' }, { index: 1, kind: 'attention' }] },
  prompt: {
    ids: new Int32Array(T), tokens: Array(T).fill('a'), focus: [5],
    phonebook: { entries: [{ name: 'a', number: '1', tokens: [0, 2] }, { name: 'b', number: '2', tokens: [2, 4] }], target: 1, examples: [], expected: '2' },
  },
  capture: {} as TraceHeader['capture'], maxNewTokens: 4, topK: 5,
});
const base = (index: number, kind: LayerRecord['kind']): LayerRecord => ({
  index, block: index, kind, name: `layers.${index}.mixer`, T,
  residualNorm: new Float32Array(T), contributionNorm: new Float32Array(T), focus: [5], ms: 1,
});
const attention = (): LayerRecord => ({
  ...base(1, 'attention'),
  attention: { H: 2, focusProbs: f32(2, 1, T), pooled: f32(2, 3, 3), pooledStride: 2, entryMass: f32(2, 1, 2) },
});
const ssm = (): LayerRecord => ({
  ...base(0, 'mamba2'),
  ssm: { variant: 'mamba2', H: 3, channelsPerGroup: 1, dt: f32(3, T), stateNorm: f32(3, T), decay: f32(3, T), statePositions: [5], states: f32(1, 3, 4, 8), implicitRows: f32(3, 1, T), entryMass: f32(3, 1, 2) },
});

describe('checkTraceRecord', () => {
  it('passes records whose shapes agree with their counts', () => {
    expect(() => checkTraceRecord(attention(), header())).not.toThrow();
    expect(() => checkTraceRecord(ssm(), header())).not.toThrow();
  });

  it('refuses an attention H that the arrays do not have', () => {
    const r = attention();
    r.attention!.H = 4;
    expect(() => checkTraceRecord(r, header())).toThrow('layer 1: attention.focusProbs has shape [2, 1, 6], expected [4, 1, 6]');
  });

  it('refuses focus rows that disagree with the focus list', () => {
    const r = attention();
    r.focus = [3, 5];
    expect(() => checkTraceRecord(r, header())).toThrow(/attention\.focusProbs/);
  });

  it('refuses a pooled side that does not follow from the stride', () => {
    const r = attention();
    r.attention!.pooledStride = 1;
    expect(() => checkTraceRecord(r, header())).toThrow(/attention\.pooled has shape \[2, 3, 3\], expected \[2, 6, 6\]/);
  });

  it('refuses entry masses over another number of entries', () => {
    const r = ssm();
    r.ssm!.entryMass = f32(3, 1, 5);
    expect(() => checkTraceRecord(r, header())).toThrow(/ssm\.entryMass/);
  });

  it('refuses state rows that are not the state positions, and positions past the prompt', () => {
    const r = ssm();
    r.ssm!.statePositions = [2, 5];
    expect(() => checkTraceRecord(r, header())).toThrow(/ssm\.states has shape \[1, 3, 4, 8\], expected \[2, 3, ·, ·\]/);
    const q = ssm();
    q.ssm!.statePositions = [T];
    expect(() => checkTraceRecord(q, header())).toThrow(/statePositions/);
  });

  it('refuses a record of another block or kind than the header runs there', () => {
    const r = { ...attention(), block: 0 };
    expect(() => checkTraceRecord(r, header())).toThrow('layer 1: block is 0, but the header runs block 1 there');
    const k = { ...ssm(), kind: 'mamba1' as const };
    expect(() => checkTraceRecord(k, header())).toThrow(/kind is mamba1/);
  });

  it('refuses a head count that is no count', () => {
    const r = ssm();
    r.ssm!.H = 0;
    expect(() => checkTraceRecord(r, header())).toThrow('layer 0: ssm.H is 0, not a positive count');
  });
});

describe('checkTraceHeader', () => {
  it('passes a consistent header', () => {
    expect(() => checkTraceHeader(header())).not.toThrow();
  });

  it('refuses run blocks outside the model, entries outside the prompt and a target past the book', () => {
    expect(() => checkTraceHeader({ ...header(), blocks: [0, 2] })).toThrow("header: block 2 is not one of the model's 2 blocks");
    const h = header();
    h.prompt.phonebook!.entries[1].tokens = [2, 9];
    expect(() => checkTraceHeader(h)).toThrow(/entry 1 has tokens outside/);
    const t = header();
    t.prompt.phonebook!.target = 2;
    expect(() => checkTraceHeader(t)).toThrow(/target or examples/);
  });
});

describe('traceControls', () => {
  it('shows the phonebook options and seed the trace was asked with, the entry count as generated', () => {
    const h = { ...header(), promptSpec: { kind: 'phonebook' as const, seed: 7, spec: { tokenBudget: 4000, depth: 0.25, variant: 'reversed' as const, format: 'question' as const, fewShot: 3 } } };
    expect(traceControls(h)).toEqual({ promptMode: 'phonebook', spec: { entries: 2, depth: 0.25, variant: 'reversed', format: 'question', fewShot: 3, seed: 7 } });
  });

  it('reads what the phonebook tells when the trace has no promptSpec, keeping the variant and seed shown', () => {
    const current = { ...defaultControls, seed: 42, variant: 'reversed' as const };
    expect(traceControls(header(), current)).toEqual({ promptMode: 'phonebook', spec: { entries: 2, depth: 1, variant: 'reversed', format: 'bare', fewShot: 0, seed: 42 } });
  });

  it('shows a text prompt as text, and ignores fields of the wrong type', () => {
    expect(traceControls({ ...header(), promptSpec: { kind: 'text', text: 'hello' } })).toEqual({ promptMode: 'text', freeText: 'hello' });
    const hostile = { ...header(), promptSpec: { kind: 'phonebook', seed: -3, spec: { depth: 'deep', variant: 'sideways', format: 7, fewShot: 1e9 } } } as unknown as TraceHeader;
    expect(traceControls(hostile, defaultControls)).toEqual({ promptMode: 'phonebook', spec: { ...defaultControls, entries: 2, depth: 1, format: 'bare', fewShot: 0 } });
    const { phonebook: _none, ...prompt } = header().prompt;
    expect(traceControls({ ...header(), prompt })).toBeNull();
  });
});
