// Cost measurement: phonebook runs of growing length on the current layout, answers only (no
// captures, so the timing is the engine's), one point per length: ms per generated token and
// prefill ms, plus the cache bytes read from a capturing run's state shapes when known.
import { DEFAULT_CAPTURE } from '../../../engine';
import { appStore } from '../store/appStore';
import { isIdentity, layoutString } from '../store/layoutEdits';
import { currentEngine } from './session';

const store = () => appStore.getState();
/** What these actions keep between calls: whether Cancel was pressed during the measurement. */
const cost = { cancelled: false };

export async function measureCost(lengths: number[]): Promise<void> {
  const engine = currentEngine();
  const s = store();
  if (!engine || !s.model?.loaded || s.costStatus.running) return;
  const model = s.model;
  const layout = isIdentity(s.items, model.layers) ? undefined : layoutString(s.items, model.layers);
  const series = `${model.name} · ${layoutString(s.items, model.layers)}`;
  cost.cancelled = false;
  s.setCostStatus({ running: true, done: 0, total: lengths.length, error: null });
  try {
    // one discarded run first: the first pass over fresh weights pays for JIT and buffer set-up
    await engine.run({
      prompt: { kind: 'phonebook', seed: s.spec.seed, spec: { entries: Math.min(...lengths), depth: s.spec.depth, variant: s.spec.variant, format: s.spec.format, fewShot: s.spec.fewShot } },
      layout, capture: { ...DEFAULT_CAPTURE, attention: false, ssm: false, states: false }, maxNewTokens: 4, topK: 1,
    }).done;
    for (const [i, entries] of lengths.entries()) {
      if (cost.cancelled) break;
      const handle = engine.run({
        prompt: { kind: 'phonebook', seed: s.spec.seed, spec: { entries, depth: s.spec.depth, variant: s.spec.variant, format: s.spec.format, fewShot: s.spec.fewShot } },
        layout,
        capture: { ...DEFAULT_CAPTURE, attention: false, ssm: false, states: false },
        maxNewTokens: 16,
        topK: 1,
      });
      const summary = await handle.done;
      if (summary.status !== 'complete') break;
      store().addCost({ series, promptTokens: summary.promptTokens, msPerToken: summary.timings.msPerToken, prefillMs: summary.timings.prefillMs, cacheBytes: null });
      store().setCostStatus({ done: i + 1 });
    }
  } catch (e) {
    store().setCostStatus({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    store().setCostStatus({ running: false });
  }
}

export function cancelCost(): void {
  cost.cancelled = true;
}
