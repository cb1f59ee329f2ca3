// Hostile protocol messages: random values and mutated valid requests. The validator either accepts
// a well-formed request or refuses with one short line (never another kind of error), and the
// service answers every refused message and keeps serving.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../engine/io/files';
import { Engine } from '../client';
import { PROTOCOL_VERSION, type Request } from '../protocol';
import { DEFAULT_CAPTURE } from '../../engine/run';
import { ProtocolError, validateRequest } from '../validate';
import { nodeHost } from '../../hosts/node';
import { scriptedEngine } from './scripted-engine';

const valid: Request[] = [
  { type: 'model/list', v: PROTOCOL_VERSION, reqId: 1 },
  { type: 'model/open', v: PROTOCOL_VERSION, reqId: 2, source: { kind: 'bundled', id: 'tiny' } },
  {
    type: 'run/start', v: PROTOCOL_VERSION, reqId: 3, runId: 1,
    spec: { prompt: { kind: 'phonebook', seed: 1, spec: { entries: 5, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } }, layout: 'M-', capture: DEFAULT_CAPTURE, maxNewTokens: 4, topK: 2 },
  },
  { type: 'tile/get', v: PROTOCOL_VERSION, reqId: 4, runId: 1, layer: 0, map: 'implicit', head: 0, rows: [0, 4], cols: [0, 4], size: 8 },
  { type: 'sweep/start', v: PROTOCOL_VERSION, reqId: 5, sweepId: 2, spec: { layouts: [undefined], entries: [5], depths: [0], variant: 'standard', format: 'bare', fewShot: 0, samples: 1, seed: 1 } },
];

/** Every path into a plain object tree, for mutations. */
function paths(o: unknown, prefix: string[] = []): string[][] {
  if (o === null || typeof o !== 'object') return [prefix];
  return [prefix, ...Object.entries(o).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(base: Request, path: string[], value: unknown): unknown {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  if (path.length === 0) return value;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  if (value === '__delete__') delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
  return copy;
}

function checkOne(data: unknown): 'ok' | 'refused' {
  try {
    validateRequest(data);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg.length).toBeLessThan(300);
    return 'refused';
  }
}

describe('protocol fuzz', () => {
  it('accepts the valid requests', () => {
    for (const r of valid) expect(checkOne(r)).toBe('ok');
  });

  it('takes layouts as strings in the engine\'s notation only', () => {
    const run = valid[2] as Extract<Request, { type: 'run/start' }>;
    const withLayout = (layout: unknown) => ({ ...run, spec: { ...run.spec, layout } });
    expect(checkOne(withLayout('M-M0 *3'))).toBe('ok');
    expect(() => validateRequest(withLayout('M-x'))).toThrow(/spec\.layout: layout "M-x": unknown block char "x" at character 3/);
    expect(() => validateRequest(withLayout('6M'))).toThrow(/follows no block char/);
    // the cap is on blocks, not characters: a run's layers are addressed up to LIMITS.layoutLength
    expect(checkOne(withLayout('M0'.repeat(1024)))).toBe('ok');
    expect(() => validateRequest(withLayout('M0'.repeat(1025)))).toThrow(/layout of 1025 blocks exceeds 1024/);
    expect(() => validateRequest(withLayout([0, 1]))).toThrow(/spec\.layout: expected a string/);
    const sweep = valid[4] as Extract<Request, { type: 'sweep/start' }>;
    expect(() => validateRequest({ ...sweep, spec: { ...sweep.spec, layouts: [[0]] } })).toThrow(/layouts\[0\]: expected a string/);
  });

  it('refuses random values with one line each', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 4 }), (x) => void checkOne(x)), { numRuns: 3000 });
  });

  it('refuses or accepts mutated valid requests, never crashes', () => {
    const hostile = fc.oneof(
      fc.anything({ maxDepth: 2 }), fc.constant('__delete__'), fc.constant(Number.NaN), fc.constant(-1), fc.constant(1e308),
      fc.constant(2 ** 53), fc.string({ maxLength: 5000 }), fc.constant('../../etc/passwd'), fc.constant([]),
    );
    const all = valid.flatMap((r) => paths(r).map((p) => [r, p] as const));
    let refused = 0;
    fc.assert(fc.property(fc.nat(all.length - 1), hostile, (i, value) => {
      if (checkOne(mutate(all[i][0], [...all[i][1]], value)) === 'refused') refused++;
    }), { numRuns: 5000 });
    expect(refused).toBeGreaterThan(2500);
  });

  it('the service answers every malformed message and keeps serving', async () => {
    const host = nodeHost(scriptedEngine({ msPerBlock: 0 }), memorySource('models', { 'manifest.json': '[{"id": "a"}]' }));
    try {
      const garbage = fc.sample(fc.anything({ maxDepth: 3 }), { numRuns: 500, seed: 42 });
      for (const g of garbage) {
        try {
          host.raw(g);
        } catch {
          // not structured-cloneable (e.g. a function): never reaches the service
        }
      }
      const engine = new Engine(host.client);
      expect((await engine.listModels()).map((m) => m.id)).toEqual(['a']);
      const errors = host.events.filter((e) => e.type === 'request/error').length;
      const sent = garbage.filter((g) => { try { structuredClone(g); return true; } catch { return false; } }).length;
      expect(errors).toBe(sent);
    } finally {
      host.close();
    }
  });
});
