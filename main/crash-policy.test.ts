// The renderer crash policy (main/crash-policy.ts): reloads back off 0.5 s, 1 s, 2 s, 4 s; the fifth
// crash within two minutes gives up (main shows a dialog instead of reloading in a loop); crashes
// older than the window are forgotten; a clean exit is not a crash.
import { describe, expect, it } from 'vitest';
import { isRendererCrash, onRendererCrash, RENDERER_CRASH_POLICY, type CrashDecision } from './crash-policy';

/** The decisions for crashes at the given times, in order. */
function replay(times: number[]): CrashDecision[] {
  let history: number[] = [];
  return times.map((t) => {
    const r = onRendererCrash(history, t);
    history = r.history;
    return r.decision;
  });
}

describe('renderer crash policy', () => {
  it('reloads after 0.5 s, 1 s, 2 s, 4 s, then gives up', () => {
    expect(replay([0, 1_000, 3_000, 7_000, 12_000])).toEqual([
      { action: 'reload', delayMs: 500 },
      { action: 'reload', delayMs: 1_000 },
      { action: 'reload', delayMs: 2_000 },
      { action: 'reload', delayMs: 4_000 },
      { action: 'give-up', crashes: 5 },
    ]);
  });

  it('never reloads in a loop: crashes in quick succession give up within the window', () => {
    const decisions = replay(Array.from({ length: 50 }, (_, i) => i * 10));
    expect(decisions.filter((d) => d.action === 'reload')).toHaveLength(RENDERER_CRASH_POLICY.maxReloads);
    expect(decisions.slice(RENDERER_CRASH_POLICY.maxReloads).every((d) => d.action === 'give-up')).toBe(true);
  });

  it('forgets crashes older than the window, so a rare crash reloads at once again', () => {
    const w = RENDERER_CRASH_POLICY.windowMs;
    expect(replay([0, 1, 2, 3, w + 10])).toEqual([
      { action: 'reload', delayMs: 500 },
      { action: 'reload', delayMs: 1_000 },
      { action: 'reload', delayMs: 2_000 },
      { action: 'reload', delayMs: 4_000 },
      { action: 'reload', delayMs: 500 },
    ]);
    expect(onRendererCrash([0, 1, 2], w + 10).history).toEqual([w + 10]);
  });

  it('takes its numbers from the policy it is given', () => {
    const policy = { firstDelayMs: 100, maxReloads: 1, windowMs: 1_000 };
    expect(onRendererCrash([], 0, policy).decision).toEqual({ action: 'reload', delayMs: 100 });
    expect(onRendererCrash([0], 10, policy).decision).toEqual({ action: 'give-up', crashes: 2 });
    expect(onRendererCrash([0], 1_000, policy).decision).toEqual({ action: 'reload', delayMs: 100 });
  });

  it('treats every reason but a clean exit as a crash', () => {
    expect(isRendererCrash('clean-exit')).toBe(false);
    for (const reason of ['abnormal-exit', 'killed', 'crashed', 'oom', 'launch-failed', 'integrity-failure', 'memory-eviction']) expect(isRendererCrash(reason)).toBe(true);
  });
});
