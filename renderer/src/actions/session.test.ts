// Opening a model through the session actions, with a scripted engine: a model that loads with
// warnings (tensors its config does not use) is opened and the warning shown as a toast.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../app/client';
import type { ModelSummary } from '../../../app/protocol';
import { appStore } from '../store/appStore';
import { connectEngine, openModel } from './session';

const summary = (warnings: string[]): ModelSummary => ({
  ref: { kind: 'folder', name: 'tall' }, name: 'tall', modelType: 'llama', layout: '*-', layers: [{ index: 0, kind: 'attention' }, { index: 1, kind: 'mlp' }],
  parameters: 100, vocabSize: 33, hasTokenizer: true, contentHash: 'ab', loaded: true, warnings,
});

describe('openModel', () => {
  it('opens a model that loads with warnings and shows them as a warning toast; a clean one shows none', async () => {
    let next = summary([]);
    const engine = { onHostStatus: () => () => {}, catalog: async () => ({ models: [], planned: [] }), openModel: async () => next } as unknown as Engine;
    await connectEngine(engine);
    const warning = 'tall/model.safetensors: 16 tensors that config.json does not use are ignored: "model.layers.1.mlp.up_proj.weight" and 15 more';
    next = summary([warning]);
    expect(await openModel({ kind: 'folder', token: 't' }, 'tall')).toBe(true);
    expect(appStore.getState().model?.name).toBe('tall');
    expect(appStore.getState().toast).toEqual({ kind: 'warning', text: warning });
    appStore.getState().dismissToast();
    next = summary([]);
    expect(await openModel({ kind: 'folder', token: 't' }, 'tall')).toBe(true);
    expect(appStore.getState().toast).toBeNull();
  });
});
