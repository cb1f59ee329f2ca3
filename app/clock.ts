// Time and yielding for the service. The engine computes synchronously; the service gives the host's
// event loop a turn between layers (and every few ms between tokens) so that cancel and new requests
// are read while a run is going. app/ compiles without DOM/Node types, so host timers are typed here.
export interface Clock {
  now(): number;
  /** Resolve on a later macrotask, after pending port messages have been delivered. */
  yield(): Promise<void>;
}

interface HostTimers {
  setTimeout?(fn: () => void, ms: number): unknown;
  setImmediate?(fn: () => void): unknown;
  performance?: { now(): number };
}

const host = globalThis as unknown as HostTimers;

/** setImmediate where it exists (Node, Electron utility process: no 1 ms clamp), else setTimeout(0). */
export const hostClock: Clock = {
  now: () => (host.performance ? host.performance.now() : Date.now()),
  yield: () =>
    new Promise<void>((resolve) => {
      if (host.setImmediate) host.setImmediate(resolve);
      else if (host.setTimeout) host.setTimeout(resolve, 0);
      else resolve();
    }),
};
