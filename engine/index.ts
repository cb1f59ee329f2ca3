// The engine's public entry, the only one app/, hosts/, renderer/ and main/ import (lint-enforced):
// pure TypeScript, no host dependencies. Hosts inject file access (FileSource) and run `runModel`
// (run.ts), whose layer records are typed in records.ts. Node hosts add engine/cli/node.ts.
export type { Tensor } from './tensor';
export { numel, tensor } from './tensor';
export { CheckpointError, InputError, LayoutError } from './errors';
export type { FileSource } from './io/files';
export { memorySource, pathOf } from './io/files';
export { inspectCheckpoint, loadModel } from './io/checkpoint';
export type { ModelInfo } from './io/checkpoint';
export type { ModelConfig } from './io/config';
export { formatBytes } from './io/config';
export { parseHeader, decodeTensor } from './io/safetensors';
export { writeSafetensors } from './io/safetensors-write';
export type { CsvValue } from './io/csv';
export { formatCsv } from './io/csv';
export { utf8Decode, utf8Encode } from './io/text';
export type { Block, Model, HiddenStateConvention } from './model';
export type { Tokenizer } from './tokenizer';
export { loadTokenizer } from './tokenizer';
export type { BlockInfo, BlockKind, LayoutChar, LayoutEdit, LayoutToken } from './layout';
export {
  KIND_CHAR, CHAR_KIND, KIND_NAME, KIND_PARTS, kindHas, readLayout, parseLayout, formatLayout, checkpointOrder, editLayout, layoutOrder, applyEdits,
} from './layout';
export type { ForwardOptions, ForwardResult, ModelState, RunContext, LayerContext } from './forward';
export { forward, forwardSteps, initModelState } from './forward';
export type { GenerateOptions, GenerateResult, GeneratedToken, TokenChoice } from './generate';
export { choose, generateGreedy, greedyDecoder, greedyTokens, step } from './generate';
export type { LayerState } from './layers/state';
export type { CacheShape } from './layers/state';
export { blockCacheBytes, cacheBytes, stateBytes } from './layers/state';
export type { AttentionRecord, LayerRecord, MoeRecord, SsmRecord } from './records';
export { RECORD_VERSION, recordArrays, recordBytes, setRecordArray } from './records';
export type { CaptureSpec } from './probes/plan';
export { DEFAULT_BUDGET_BYTES, DEFAULT_POOLED_SIZE, MAX_POOLED_SIZE } from './probes/plan';
export type { PooledTileRequest, TileRequest } from './probes/ondemand';
export { attentionTile, implicitTile, implicitPooled, pooledTile, stateAt } from './probes/ondemand';
export type { PhonebookPromptSpec, PromptInfo, PromptSpec } from './prompt';
export { MAX_PROMPT_TOKENS, preparePrompt } from './prompt';
export type { RunControl, RunEvent, RunSpec, RunSummary, RunToken, StopReason, TokenAlt } from './run';
export { DEFAULT_CAPTURE, TRACE_BUDGET_BYTES, TRACE_CAPTURE, defaultCapture, runModel, warmUp } from './run';
export { Digest } from './digest';
export type { Agreement, TraceEnd, TraceHeader, TraceReader, Trace, TraceSink, TraceWriter } from './trace';
export { agreeTraces, agreementLine, agrees, isTrace, isTraceName, openTrace, readTrace, relativeError, traceWriter, writeRunTrace, TRACE_EXTENSION, TRACE_VERSION } from './trace';
export type { KernelBackend } from './kernels/backend';
export { kernels, useBackend, referenceBackend } from './kernels/backend';
export { installFastKernels, kernelsInUse, kernelThreadsReady, threadsWanted } from './kernels/install';
export { serveKernels } from './kernels/wasm/helper';
export { BROWSER_CAP_BYTES, setMemoryBudget } from './io/memory';
export * from './phonebook';
export { SUPPORTED_MODEL_TYPES } from './models/registry';
