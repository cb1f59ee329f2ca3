// Entry point of the kernel module: every export here is a kernel callable from TypeScript.
// All pointers are byte offsets into the one imported memory; the TypeScript side owns allocation.
export { packedSize, packWeights, matmul } from './matmul';
