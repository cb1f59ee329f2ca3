// The engine host watchdog: notices a host that is alive but no longer answering (an endless loop, a
// wedged kernel), which no exit event reports. The UI side feeds it every message the host sends;
// while nothing arrives it sends a heartbeat (HOST_PING) every `intervalMs`, and when nothing at all
// has arrived for `deadlineMs` it reports the host as hung and asks the host to restart it. Hosts
// answer the ping themselves, between layers and tokens like everything else, so a working host is
// never silent for long; the deadline only has to exceed the slowest single block. Clock and timers
// are injected.

/** The heartbeat. A host answers it with HOST_PONG itself and never hands it to the service, so a
 *  heartbeat costs no work (no catalog read, no fetch); a client never passes the pong on as an event. */
export const HOST_PING = { type: 'host/ping' } as const;
export const HOST_PONG = { type: 'host/pong' } as const;

/** Whether a message is the heartbeat `kind` (HOST_PING or HOST_PONG). */
export function isHeartbeat(message: unknown, kind: typeof HOST_PING | typeof HOST_PONG): boolean {
  return (message as { type?: unknown } | null)?.type === kind.type;
}

export interface WatchdogTimers {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface WatchdogOptions {
  timers: WatchdogTimers;
  /** Send HOST_PING to the host. */
  ping(): void;
  /** The host stopped answering: report it and restart it. Called once per hang. */
  onHung(message: string): void;
  /** Heartbeat period while the host is silent (default 2 s). */
  intervalMs?: number;
  /** Silence that counts as a hang (default 20 s: well above one block of a long prompt). */
  deadlineMs?: number;
}

export class Watchdog {
  private lastHeard: number;
  private handle: unknown = null;
  private reported = false;
  private readonly intervalMs: number;
  private readonly deadlineMs: number;

  constructor(private readonly opts: WatchdogOptions) {
    this.intervalMs = opts.intervalMs ?? 2000;
    this.deadlineMs = opts.deadlineMs ?? 20_000;
    if (!(this.deadlineMs > this.intervalMs)) throw new RangeError('watchdog: deadlineMs must exceed intervalMs');
    this.lastHeard = opts.timers.now();
  }

  /** Start watching (again, after a restart: the new host gets a fresh deadline). */
  start(): void {
    this.stop();
    this.lastHeard = this.opts.timers.now();
    this.reported = false;
    this.handle = this.opts.timers.setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.handle !== null) this.opts.timers.clearInterval(this.handle);
    this.handle = null;
  }

  /** Call for every message the host sends: any message is a sign of life. */
  heard(): void {
    this.lastHeard = this.opts.timers.now();
  }

  private tick(): void {
    const silent = this.opts.timers.now() - this.lastHeard;
    if (silent >= this.deadlineMs) {
      if (this.reported) return;
      this.reported = true;
      this.stop();
      this.opts.onHung(`the engine stopped answering (no reply for ${Math.round(silent / 1000)} s); restarting it — your saved work is safe`);
      return;
    }
    if (silent >= this.intervalMs) this.opts.ping();
  }
}
