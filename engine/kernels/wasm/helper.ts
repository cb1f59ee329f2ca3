// The helper thread's side of threads.ts: instantiate the shared-memory kernels on the caller's
// memory, then run jobs until told to stop. Never returns while serving (it blocks in
// Atomics.wait, which workers may do). A host's worker script calls it with its first message:
//   Node:    parentPort.once('message', serveKernels)
//   browser: self.onmessage = (e) => serveKernels(e.data)
import { instantiateKernels } from './loader';
import { claimChunks, SPLITS, type SplitName } from './split';
import { ARGS, controlArgs, controlWords, DONE, ENTER, JOB, JOBS, NEXT, READY, SEQ, type HelperInit, type JobName } from './threads';
import { warmUp } from './warmup';

export function serveKernels(init: HelperInit): void {
  const k = instantiateKernels({ flavor: 'simd', shared: true, module: init.module }, init.memory);
  warmUp(k, init.memory, init.warmUpAt);
  const i32 = controlWords(init.memory);
  let seen = Atomics.load(i32, SEQ);
  Atomics.store(i32, READY, 1);
  for (;;) {
    Atomics.wait(i32, SEQ, seen);
    const seq = Atomics.load(i32, SEQ);
    if (seq === seen) continue;
    seen = seq;
    // a split job the caller finished alone is closed (ENTER ≠ seq): skip it, its arguments may
    // already belong to the next job
    if (Atomics.compareExchange(i32, ENTER, seq, -seq) !== seq) continue;
    const job = JOBS[Atomics.load(i32, JOB)];
    if (job === 'stop') return;
    const f64 = controlArgs(init.memory);
    if (job in SPLITS) {
      const name = job as SplitName;
      claimChunks(k, name, Array.from(f64.subarray(ARGS, ARGS + SPLITS[name].arity)), i32, NEXT, 1);
    } else {
      const fn = k[job as JobName] as (...args: number[]) => void;
      fn(...Array.from(f64.subarray(ARGS, ARGS + fn.length)));
    }
    Atomics.store(i32, DONE, seq);
    Atomics.notify(i32, DONE);
  }
}
