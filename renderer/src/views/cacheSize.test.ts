import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../app/protocol';
import { cacheSize } from './cacheSize';

// a hybrid M-M*- : two Mamba-2 blocks (state 1000 B each), one attention (512 B per token), one MLP
const hybrid = {
  layout: 'M-M*-',
  blockCache: [{ state: 1000, kvPerToken: 0 }, { state: 0, kvPerToken: 0 }, { state: 1000, kvPerToken: 0 }, { state: 0, kvPerToken: 512 }, { state: 0, kvPerToken: 0 }],
} as unknown as ModelSummary;

describe('cacheSize', () => {
  it('sums the blocks of the current arrangement', () => {
    expect(cacheSize(hybrid, [0, 1, 2, 3, 4])).toEqual({ stateBytes: 2000, kvBytesPerToken: 512 });
  });
  it('drops the KV cache with the attention block and counts a duplicate twice', () => {
    expect(cacheSize(hybrid, [0, 1, 2, 4])).toEqual({ stateBytes: 2000, kvBytesPerToken: 0 });
    expect(cacheSize(hybrid, [0, 0, 3, 3])).toEqual({ stateBytes: 2000, kvBytesPerToken: 1024 });
  });
  it('has nothing to say without sizes or a run', () => {
    expect(cacheSize({ layout: 'M' } as unknown as ModelSummary, [0])).toBeNull();
    expect(cacheSize(null, [])).toBeNull();
  });
});
