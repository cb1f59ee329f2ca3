// Entry point of the kernel module: every export here is a kernel callable from TypeScript.
// All pointers are byte offsets into the one imported memory; the TypeScript side owns allocation.
export { packedSize, packWeights, packWeights16, packRows, packColumns, matmul, gemm, gemmScratchBytes, gemv, gemv16 } from './matmul';
export { gemmStoredCols, gemvStored, packRowBlocks } from './stored';
export { mamba2Scan, mamba1Scan, mamba1Scan16, mamba1ScanAnyN, mamba1ImplicitTerms } from './scan';
export { softmaxRows, attendBlock, maxInto } from './attention';
export { expApprox, exp2Approx, exp2ClampedApprox } from './exp';
export { conv1d, copyRows, rmsnorm, residualAdd, rope, siluGate, softplus, demote, promote, finishRows, ACT_NONE, ACT_RELU2, ACT_SOFTPLUS } from './elementwise';
