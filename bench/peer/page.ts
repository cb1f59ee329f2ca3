// The peer bench's page: starts the workers (engine-worker.ts, ort-worker.ts) and hands the Node
// side (bench.ts, peer.e2e.ts) `window.peer` to drive them through page.evaluate.
import { client, type Ops, type Ready } from './rpc';

type Client = ReturnType<typeof client>;
const workers = new Map<string, { worker: Worker; rpc: Client }>();

const peer = {
  /** Starts worker `name` (engine or ort side) on model `model` with `threads` threads. */
  async open(name: string, side: Ready['side'], model: string, threads: number): Promise<Ready> {
    const worker = new Worker(`/${side}-worker.js`, { type: 'module', name });
    const rpc = client(worker);
    workers.set(name, { worker, rpc });
    return rpc.call('init', { model, threads });
  },
  call<K extends keyof Ops>(name: string, op: K, args: Parameters<Ops[K]>[0]): ReturnType<Ops[K]> {
    const w = workers.get(name);
    if (!w) throw new Error(`no worker ${name}`);
    return w.rpc.call(op, args);
  },
  close(name: string): void {
    workers.get(name)?.worker.terminate();
    workers.delete(name);
  },
  isolated: self.crossOriginIsolated,
};

export type Peer = typeof peer;
(self as unknown as { peer: Peer }).peer = peer;
