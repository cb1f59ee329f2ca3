// An EngineClient over a supervised worker-thread host, doing in Node what main/engine-supervisor.ts
// does in Electron: when the host dies, report `crashed`, start a new one, report `restarted`.
import { Worker } from 'node:worker_threads';
import type { EngineClient } from '../client';
import { PROTOCOL_VERSION, type EngineEvent } from '../protocol';

export interface SupervisedClient extends EngineClient {
  /** Kill the current host (as a crash would). */
  kill(): Promise<void>;
  restarts: number;
}

export function supervisedClient(modelsDir: string): SupervisedClient {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => {
    for (const l of listeners) l(e);
  };
  let worker: Worker;
  let disposed = false;
  const spawn = () => {
    worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { modelsDir } });
    const w = worker;
    w.on('message', (e: EngineEvent) => emit(e));
    w.on('exit', (code) => {
      if (disposed || w !== worker) return;
      emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message: `the engine stopped (exit code ${code})` });
      client.restarts++;
      spawn();
      emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'restarted', message: 'the engine was restarted' });
    });
  };
  const client: SupervisedClient = {
    restarts: 0,
    send: (r) => worker.postMessage(r),
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    dispose() {
      disposed = true;
      void worker.terminate();
    },
    async kill() {
      await worker.terminate();
    },
  };
  spawn();
  return client;
}
