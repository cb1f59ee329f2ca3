// When the window's renderer process dies, reload it — but back off (0.5 s, 1 s, 2 s, …) and give up
// after a few crashes close together, so a page that crashes as it loads cannot loop forever. Pure:
// main/crash-reload.ts applies the decision with timers and a dialog.

export interface CrashPolicy {
  /** Delay before the first reload; each further crash in the window doubles it. */
  firstDelayMs: number;
  /** Reloads allowed within `windowMs`; the crash after them gives up. */
  maxReloads: number;
  windowMs: number;
}

export const RENDERER_CRASH_POLICY: CrashPolicy = { firstDelayMs: 500, maxReloads: 4, windowMs: 120_000 };

export type CrashDecision = { action: 'reload'; delayMs: number } | { action: 'give-up'; crashes: number };

/** The times of the crashes still inside the window, this one (`now`) included, and what to do. */
export function onRendererCrash(history: readonly number[], now: number, policy: CrashPolicy = RENDERER_CRASH_POLICY): { history: number[]; decision: CrashDecision } {
  const recent = [...history.filter((t) => now - t < policy.windowMs), now];
  const n = recent.length;
  return {
    history: recent,
    decision: n > policy.maxReloads ? { action: 'give-up', crashes: n } : { action: 'reload', delayMs: policy.firstDelayMs * 2 ** (n - 1) },
  };
}

/** Whether a render-process-gone reason is a crash to recover from: a clean exit is not. */
export const isRendererCrash = (reason: string) => reason !== 'clean-exit';
