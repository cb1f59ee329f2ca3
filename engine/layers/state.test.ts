import { describe, expect, it } from 'vitest';
import type { Block } from '../model';
import { blockCacheBytes, initState, stateBytes } from './state';

const mamba2 = { kind: 'mamba2', mixer: { H: 8, P: 64, N: 64, G: 1, K: 4, I: 512, convDim: 640 } } as unknown as Block;
const mamba1 = { kind: 'mamba1', mixer: { I: 512, N: 16, R: 16, K: 4 } } as unknown as Block;
const attention = { kind: 'attention', mixer: { H: 4, KVH: 1, hd: 64 } } as unknown as Block;

describe('blockCacheBytes', () => {
  it('counts the floats of the state the engine keeps, at 4 bytes each', () => {
    for (const b of [mamba2, mamba1]) {
      const s = initState(b);
      if (s.kind !== 'mamba2' && s.kind !== 'mamba1') throw new Error('not a Mamba state');
      expect(blockCacheBytes(b)).toEqual({ state: 4 * (s.conv.length + s.ssm.length), kvPerToken: 0 });
    }
    expect(blockCacheBytes(mamba2).state).toBe(4 * (3 * 640 + 8 * 64 * 64));
  });
  it('grows the KV cache by K and V of every KV head per token, as the cache holds them', () => {
    const kv = initState(attention, 100);
    if (kv.kind !== 'attention') throw new Error('not a KV cache');
    kv.length = 37;
    expect(blockCacheBytes(attention)).toEqual({ state: 0, kvPerToken: 2 * 64 * 4 });
    expect(stateBytes(kv)).toBe(37 * blockCacheBytes(attention).kvPerToken);
  });
});
