// A second thread for the kernels: a helper worker instantiates the shared-memory build on the same
// WebAssembly.Memory and runs one job at a time while this thread runs the other half of the work.
// Jobs go through a control block in the reserved bytes below the arena, synchronised with Atomics
// (wait/notify), so a kernel call stays synchronous. The host creates the worker (engine/ cannot:
// Node's worker_threads and a browser's Worker differ) and runs `serveKernels` in it (helper.ts).
import type { KernelExports, KernelModule } from './loader';
import { claimChunks, SPLITS, type SplitName } from './split';
import type { WasmMemory } from './wasm-api';

/** What the backend needs of a host's worker. */
export interface HelperPort {
  postMessage(message: unknown): void;
  terminate(): void;
}

/** The first message a helper receives. */
export interface HelperInit {
  module: KernelModule['module'];
  memory: WasmMemory;
  /** Bytes it may use to warm its own instance up (see warmup.ts). */
  warmUpAt: number;
}

// The control block: 256 bytes at CONTROL, above the module's static data (AssemblyScript places it
// from byte 1024: Math.exp's table) and below the arena; a test checks the data ends below it.
export const CONTROL = 61440;
const CONTROL_BYTES = 256;
export const SEQ = 0; // Int32 words: job number, bumped by the caller
export const DONE = 1; // number of the last job finished, set by the helper
export const READY = 2; // 1 once the helper runs
export const JOB = 3; // index into JOBS
export const NEXT = 4; // next chunk to claim in a split job (split.ts)
export const ENTER = 5; // seq while the posted job is open; the helper swaps in -seq on entering it
export const ARGS = 4; // Float64 index of up to 28 arguments (byte CONTROL + 32, after the Int32 words 0–7)
export const JOBS = ['stop', 'gemm', 'mamba2Scan', 'mamba1Scan', 'attendBlock', ...(Object.keys(SPLITS) as SplitName[])] as const;
export type JobName = 'gemm' | 'mamba2Scan' | 'mamba1Scan' | 'attendBlock';

/** Polls of the done word before the caller sleeps (~5 µs): the helper often ends just after us. */
const SPIN = 2_000;

/** Small split jobs in a row that the helper missed before they run on one thread for a while… */
const MISSES_BEFORE_BACKOFF = 4;
/** …this many of them (a few decoding steps), then the helper is tried again. */
const BACKOFF_JOBS = 200;

/** The high-resolution clock every host has (Node, browsers, workers). */
const clock = (globalThis as unknown as { performance: { now(): number } }).performance;

/** A job of the helper waits at most this long before the caller gives up (it never should). */
const TIMEOUT_MS = 60_000;

export class KernelThread {
  private seq = 0;
  private busy = false;
  private misses = 0;
  private backoff = 0;

  constructor(private memory: WasmMemory, private port: HelperPort) {}

  private i32(): Int32Array {
    return controlWords(this.memory);
  }

  /** True once the helper has started; until then every kernel runs on the calling thread. */
  get ready(): boolean {
    return !this.busy && Atomics.load(this.i32(), READY) === 1;
  }

  /**
   * Runs a split job on both threads (split.ts): returns when every chunk is done. If the helper
   * has not entered the job by the time this thread ran out of chunks (descheduled on a busy
   * machine), the job is closed and this thread does not wait for it.
   */
  split(k: KernelExports, job: SplitName, args: number[], small = false): void {
    const i32 = this.i32();
    Atomics.store(i32, NEXT, 0);
    // Small jobs (decoding) skip the helper for a while after it missed several in a row: on an
    // overloaded machine each wake-up of a helper that never gets to run only costs this thread.
    if (small && this.backoff > 0) {
      this.backoff--;
      claimChunks(k, job, args, i32, NEXT, 0);
      return;
    }
    this.post(job, args);
    const t0 = clock.now();
    claimChunks(k, job, args, i32, NEXT, 0);
    const t1 = clock.now();
    // a miss: the helper never entered the job, or this thread slept on it longer than its own
    // share took (a big job's last chunk may well outlast a short poll: no miss)
    const missed = this.close() || (this.wait() && clock.now() - t1 > t1 - t0);
    if (!missed) this.misses = 0;
    else if (++this.misses >= MISSES_BEFORE_BACKOFF) [this.misses, this.backoff] = [0, BACKOFF_JOBS];
  }

  /**
   * Takes the posted job back if the helper has not entered it yet (true: the caller must run it
   * itself; the helper will skip it). False: the helper is on it, `wait()` for it.
   */
  close(): boolean {
    if (Atomics.compareExchange(this.i32(), ENTER, this.seq, 0) !== this.seq) return false;
    this.busy = false;
    return true;
  }

  /** Starts `job` on the helper; call `wait()` before touching what it writes. */
  post(job: JobName | SplitName, args: Parameters<KernelExports[JobName]> | number[]): void {
    const f64 = controlArgs(this.memory);
    args.forEach((a, i) => (f64[ARGS + i] = a));
    const i32 = this.i32();
    Atomics.store(i32, JOB, JOBS.indexOf(job));
    Atomics.store(i32, ENTER, this.seq + 1);
    Atomics.store(i32, SEQ, ++this.seq);
    Atomics.notify(i32, SEQ);
    this.busy = true;
  }

  /** Blocks until the posted job is done; true if that took more than a short poll. */
  wait(): boolean {
    const i32 = this.i32();
    for (let i = 0; i < SPIN; i++) {
      if (Atomics.load(i32, DONE) === this.seq) {
        this.busy = false;
        return false;
      }
    }
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(i32, DONE);
      if (done === this.seq) break;
      if (Date.now() - started > TIMEOUT_MS) throw new Error('wasm kernels: the helper thread stopped answering');
      Atomics.wait(i32, DONE, done, 100);
    }
    this.busy = false;
    return true;
  }

  stop(): void {
    const i32 = this.i32();
    Atomics.store(i32, JOB, 0);
    Atomics.store(i32, ENTER, this.seq + 1);
    Atomics.store(i32, SEQ, ++this.seq);
    Atomics.notify(i32, SEQ);
    this.port.terminate();
  }
}

export function controlWords(memory: WasmMemory): Int32Array {
  return new Int32Array(memory.buffer, CONTROL, CONTROL_BYTES >> 2);
}

export function controlArgs(memory: WasmMemory): Float64Array {
  return new Float64Array(memory.buffer, CONTROL, CONTROL_BYTES >> 3);
}
