// The machine a bench ran on, recorded with every result file.
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  wasm: string;
  /** 1-minute load average when the run started: other work on a shared machine skews every figure. */
  load: number;
  /** The same when it ended. */
  loadEnd?: number;
}

export function describeMachine(wasmFlavor: string): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.versions.node,
    v8: process.versions.v8,
    wasm: wasmFlavor,
    load: loadavg()[0],
  };
}
