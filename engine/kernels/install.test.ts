// installFastKernels, the one installer every host calls: the WASM kernels by default, the reference
// ones when HYBRIDSCOPE_KERNELS=reference (read from the environment, or passed in by a host).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kernels, referenceBackend, useBackend } from './backend';
import { installFastKernels } from './install';

afterEach(() => {
  vi.unstubAllEnvs();
  useBackend(referenceBackend);
});

describe('installFastKernels', () => {
  it('installs the WASM SIMD kernels where the runtime has them', () => {
    expect(installFastKernels()).toBe('wasm-simd');
    expect(kernels().name).toBe('wasm-simd');
  });

  it('keeps the reference kernels when HYBRIDSCOPE_KERNELS=reference', () => {
    vi.stubEnv('HYBRIDSCOPE_KERNELS', 'reference');
    expect(installFastKernels()).toBe('reference');
    vi.unstubAllEnvs();
    expect(installFastKernels('reference')).toBe('reference');
  });

  it('leaves an installed backend other than the reference alone', () => {
    const custom = { ...referenceBackend, name: 'custom' };
    useBackend(custom);
    expect(installFastKernels()).toBe('custom');
  });
});
