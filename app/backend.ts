// What the service needs from an inference engine, as one small table of functions. The real one is
// engine-backend.ts (over engine/); tests may pass a scripted one to pin timing-dependent behaviour
// (cancel within a layer, supersede) independently of model speed. `M` is the engine's model type.
import type { ModelInfo } from '../engine/io/checkpoint';
import type { FileSource } from '../engine/io/files';
import type { Tokenizer } from '../engine/tokenizer';
import type { BlockKind } from '../engine/layout';
import type { BlockCache, CaptureSpec, NDArray, PromptInfo, PromptSpec, TileQuery, TokenAlt } from './protocol';
import type { LayerRecordWire } from './records';

/** A prompt ready to run: ids plus what the UI shows about it. */
export type PreparedPrompt = PromptInfo;

/** Capture settings for one forward pass, focus rows already resolved. */
export interface ForwardCapture extends CaptureSpec {
  focus: number[];
  /** Phonebook entry token spans, for per-entry attention mass; empty for free text. */
  entrySpans: [number, number][];
}

/** Whatever a backend's prefill returns; only the same backend looks inside. */
export type Prefilled = unknown;

export interface TokenStep {
  id: number;
  text: string;
  logprob: number;
  top: TokenAlt[];
}

export interface Backend<M> {
  /** Headers only: validates config and weight shapes without reading tensor data. */
  inspect(src: FileSource): Promise<ModelInfo>;
  /** Config + weights + tokenizer; the promise rejects with a one-line CheckpointError. */
  load(src: FileSource): Promise<M>;
  /** Kinds of the checkpoint's own blocks, in checkpoint order. */
  kinds(model: M): BlockKind[];
  vocabSize(model: M): number;
  hasTokenizer(model: M): boolean;
  /** Cache bytes per sequence of each of the checkpoint's own blocks (float32): constant state, K+V per token. */
  cacheBytes?(model: M): BlockCache[];
  /** The model's tokenizer (phonebook prompts and sweeps need one). */
  tokenizer(model: M): Tokenizer | undefined;
  /** The same weights arranged as `blocks` (original indices; repeats and drops allowed). */
  arrange(model: M, blocks: number[]): M;
  /** Tokenize text, take ids as given, or generate a phonebook prompt. Throws InputError on bad input. */
  prompt(model: M, spec: PromptSpec): PreparedPrompt;
  /** The prefill, one record per block as it finishes (index = position in the arrangement). Its
   *  return value (caches, logits, tile context) is opaque to the service and handed back below. */
  forward(model: M, ids: Int32Array, capture: ForwardCapture): Iterator<LayerRecordWire, Prefilled>;
  /** Greedy continuation, one step per token, continuing from `prefilled` when given (else it
   *  prefills itself, without captures); stops after maxNew tokens or at a newline when asked. */
  generate(model: M, ids: Int32Array, prefilled: Prefilled | undefined, maxNew: number, topK: number, stopAtNewline: boolean): Iterator<TokenStep, void>;
  /** Runs a few tokens through every code path a run takes (probes included), so the first real
   *  run is not the one that pays for JIT compilation. */
  warmUp?(model: M): void;
  /** A tile of an attention or implicit-attention map, recomputed from what the prefill kept. */
  tile?(model: M, prefilled: Prefilled, query: TileQuery): { tile: NDArray; stride: [number, number] };
  /** The SSM state of a block (layout position) at a token position, recomputed on demand. */
  stateAt?(model: M, prefilled: Prefilled, layer: number, position: number): NDArray;
}
