// The page ↔ worker protocol of the peer bench: one request at a time per worker, answered by id.
// Runs in the browser (page and workers); the Node side only calls the page's `window.peer`.

/** What a worker answers to `init`: the threads it really got and the build it runs. */
export interface Ready {
  side: 'engine' | 'ort';
  threads: number;
  /** True when the page and worker are cross-origin isolated (SharedArrayBuffer, wasm threads). */
  isolated: boolean;
  build: string;
}

/** Every op of both workers. `ids`: the prompt's token ids. */
export interface Ops {
  init(a: { model: string; threads: number }): Promise<Ready>;
  /** Times one forward pass over `ids` (ms, inside the worker); the engine runs `probes` when given. */
  prefill(a: { ids: number[]; probes?: { focus: number[]; entries: [number, number][] } }): Promise<number>;
  /** Logits (T × V, row-major) of one forward pass over `ids`. */
  logits(a: { ids: number[] }): Promise<number[]>;
  /** Greedy generation after `ids`: ms per generated token of each of `rounds` rounds of `steps`
   *  tokens, after one unrecorded round; and the tokens of the first round. */
  generate(a: { ids: number[]; steps: number; rounds: number }): Promise<{ msPerToken: number[]; tokens: number[] }>;
}

type Request = { id: number; op: keyof Ops; args: unknown };
type Reply = { id: number; result?: unknown; error?: string };

interface Scope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
}

/** The worker's side: answers each request with its op's result or the error's text. */
export function serve(ops: Ops): void {
  const scope = self as unknown as Scope;
  scope.onmessage = async (e) => {
    const { id, op, args } = e.data as Request;
    try {
      const result = await (ops[op] as (a: unknown) => Promise<unknown>)(args);
      scope.postMessage({ id, result } satisfies Reply);
    } catch (err) {
      scope.postMessage({ id, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) } satisfies Reply);
    }
  };
}

/** The page's side: a worker as an async `call(op, args)`. */
export function client(worker: Worker): { call<K extends keyof Ops>(op: K, args: Parameters<Ops[K]>[0]): ReturnType<Ops[K]> } {
  let next = 0;
  const waiting = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();
  worker.onmessage = (e) => {
    const { id, result, error } = e.data as Reply;
    const w = waiting.get(id);
    waiting.delete(id);
    if (error !== undefined) w?.fail(new Error(error));
    else w?.ok(result);
  };
  worker.onerror = (e) => {
    for (const w of waiting.values()) w.fail(new Error(`worker failed: ${e.message}`));
    waiting.clear();
  };
  return {
    call(op, args) {
      const id = next++;
      return new Promise((ok, fail) => {
        waiting.set(id, { ok, fail });
        worker.postMessage({ id, op, args } satisfies Request);
      }) as ReturnType<Ops[typeof op]>;
    },
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
