// The bundled models' shipped evaluations (app/evaluations.ts): asked for once, when the recall or
// ablations view first shows, and kept in the store (a few hundred points; no arrays).
import { appStore } from '../store/appStore';
import { currentEngine } from './session';

export async function ensureEvaluations(): Promise<void> {
  const s = appStore.getState();
  const engine = currentEngine();
  if (!engine || s.evaluationsStatus === 'loading' || s.evaluationsStatus === 'ready') return;
  s.setEvaluations(null, 'loading');
  try {
    const models = await engine.evaluations();
    appStore.getState().setEvaluations(models, 'ready');
    const problems = models.flatMap((m) => m.problems);
    if (problems.length) appStore.getState().showToast('warning', problems.join(' '));
  } catch (e) {
    appStore.getState().setEvaluations(null, 'error');
    appStore.getState().showToast('error', `The shipped evaluations could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
