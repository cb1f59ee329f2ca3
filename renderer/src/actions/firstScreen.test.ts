// When the app runs its opening model by itself: only on a plain start on the catalog's default.
import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../app/protocol';
import { shouldAutorun, type StartContext } from './firstScreen';

const hybrid: ModelSummary = {
  ref: { kind: 'bundled', id: 'hybrid' }, name: 'hybrid', modelType: 'nemotron_h', layout: 'M-M*M-M-', layers: [],
  parameters: 1, vocabSize: 268, hasTokenizer: true, contentHash: 'h', loaded: true, warnings: [],
};
const catalog = [{ id: 'mamba2', name: 'mamba2', architecture: 'mamba2', layout: 'MMMM', parameters: 1 }, { id: 'hybrid', name: 'hybrid', architecture: 'hybrid', layout: 'M-M*M-M-', parameters: 1, default: true }];
const plain: StartContext = { restored: false, openedFromOs: false, optedOut: false };
const state = { model: hybrid, catalog, currentRunId: null, promptMode: 'phonebook' as const };

describe('shouldAutorun', () => {
  it('runs the default bundled model on a plain start', () => {
    expect(shouldAutorun(plain, state)).toBe(true);
  });

  it('does not when the start has something else to show or was asked not to', () => {
    expect(shouldAutorun({ ...plain, restored: true }, state)).toBe(false);
    expect(shouldAutorun({ ...plain, openedFromOs: true }, state)).toBe(false);
    expect(shouldAutorun({ ...plain, optedOut: true }, state)).toBe(false);
  });

  it('does not when the page is elsewhere already', () => {
    expect(shouldAutorun(plain, { ...state, currentRunId: 1 })).toBe(false);
    expect(shouldAutorun(plain, { ...state, promptMode: 'text' })).toBe(false);
    expect(shouldAutorun(plain, { ...state, model: { ...hybrid, loaded: false } })).toBe(false);
    expect(shouldAutorun(plain, { ...state, model: { ...hybrid, ref: { kind: 'folder', name: 'hybrid' } } })).toBe(false);
    expect(shouldAutorun(plain, { ...state, model: { ...hybrid, ref: { kind: 'bundled', id: 'mamba2' } } })).toBe(false);
    expect(shouldAutorun(plain, { ...state, model: null })).toBe(false);
  });
});
