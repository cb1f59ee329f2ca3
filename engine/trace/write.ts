// The engine's trace writer: appends the sections of FORMAT.md to an injected sink as a run streams
// them (a file, stdout, memory), so a trace is written while the run goes and a layer's arrays are
// never copied into one big buffer. The engine touches no file system; the host owns the sink.
import type { Model } from '../model';
import type { CaptureSpec } from '../probes/plan';
import type { PromptInfo, PromptSpec } from '../prompt';
import { recordArrays, type LayerRecord } from '../records';
import type { RunEvent, RunSpec, RunSummary, RunToken } from '../run';
import { encodePreamble, encodeSection, traceJson } from './format';
import type { BlockInfo } from '../layout';

/** The HEAD section: what was run, on which model, with which prompt and captures. */
export interface TraceHeader {
  /** Who wrote the trace, e.g. `hybridscope 0.1.0`. */
  producer: string;
  /** The checkpoint: its folder name, type, vocabulary and blocks in checkpoint order. */
  model: { name: string; model_type: string; vocab_size: number; layers: BlockInfo[] };
  /** The layout run and its blocks (original indices) in run order. */
  layout: string;
  blocks: number[];
  prompt: PromptInfo;
  /** How the prompt was asked for — a phonebook's options and seed, or the text — so a reader can
   *  make the same prompt again; optional (absent for token ids, which `prompt.ids` holds). */
  promptSpec?: PromptSpec;
  capture: CaptureSpec;
  maxNewTokens: number;
  topK: number;
}

/** Receives the file's bytes in order; a returned promise is awaited before the next chunk. */
export type TraceSink = (chunk: Uint8Array) => void | Promise<void>;

export interface TraceWriter {
  header(h: TraceHeader): Promise<void>;
  layer(record: LayerRecord): Promise<void>;
  /** Tokens are small and come one at a time; they are written together before the summary. */
  token(t: RunToken): void;
  finish(summary: RunSummary): Promise<void>;
  /** Bytes handed to the sink so far. */
  readonly bytes: number;
}

/** A record's JSON with each Float32Array replaced in place by its descriptor, and the arrays in the
 *  order the descriptors appear (their offsets tile the data back to back). */
export function encodeRecord(record: LayerRecord): { json: unknown; arrays: Float32Array[] } {
  const arrays: Float32Array[] = [];
  let offset = 0;
  const walk = (value: unknown): unknown => {
    if (value instanceof Float32Array) {
      const shape = [value.length];
      const d = { dtype: 'F32', shape, offset, length: value.byteLength };
      offset += value.byteLength;
      arrays.push(value);
      return d;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      out[k] = walk(v);
      // a tensor's data has the tensor's shape, not a flat one
      if (v instanceof Float32Array && k === 'data' && Array.isArray(obj.shape)) (out[k] as { shape: unknown }).shape = [...(obj.shape as number[])];
    }
    return out;
  };
  const json = walk(record);
  // recordArrays is the order the digest hashes; the walk above must agree with it
  if (recordArrays(record).length !== arrays.length) throw new Error('trace: a record holds arrays outside plain fields');
  return { json, arrays };
}

export function traceWriter(sink: TraceSink): TraceWriter {
  let state: 'new' | 'layers' | 'done' = 'new';
  let nextIndex = 0;
  let bytes = 0;
  const tokens: RunToken[] = [];
  const put = async (chunk: Uint8Array) => {
    bytes += chunk.length;
    await sink(chunk);
  };
  const expect = (want: typeof state, what: string) => {
    if (state !== want) throw new Error(`trace writer: ${what} out of order (the header, layers in order, then finish)`);
  };
  return {
    get bytes() {
      return bytes;
    },
    async header(h) {
      expect('new', 'header');
      state = 'layers';
      const prompt = { ...h.prompt, ids: Array.from(h.prompt.ids) };
      await put(encodePreamble());
      await put(encodeSection('HEAD', traceJson({ ...h, prompt }), 0));
    },
    async layer(record) {
      expect('layers', 'layer');
      if (record.index !== nextIndex) throw new Error(`trace writer: layer ${record.index} where ${nextIndex} was next`);
      nextIndex++;
      const { json, arrays } = encodeRecord(record);
      let dataBytes = 0;
      for (const a of arrays) dataBytes += a.byteLength;
      await put(encodeSection('LAYR', traceJson(json), dataBytes));
      // little-endian float32, as every platform JavaScript runs on stores it
      for (const a of arrays) await put(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    },
    token(t) {
      expect('layers', 'token');
      tokens.push(t);
    },
    async finish(summary) {
      expect('layers', 'finish');
      state = 'done';
      await put(encodeSection('TOKS', traceJson(tokens), 0));
      await put(encodeSection('SUMM', traceJson(summary), 0));
    },
  };
}

/** Consumes a run (runModel's events) into a trace, returning its summary; the header describes
 *  `model` as loaded (its checkpoint blocks) and `spec` as run. */
export async function writeRunTrace(
  run: AsyncGenerator<RunEvent, RunSummary>, model: Model, spec: RunSpec, sink: TraceSink, opts: { name: string; producer: string },
): Promise<RunSummary> {
  const w = traceWriter(sink);
  for (let next = await run.next(); ; next = await run.next()) {
    if (next.done) {
      await w.finish(next.value);
      return next.value;
    }
    const e = next.value;
    if (e.type === 'started') {
      await w.header({
        producer: opts.producer,
        model: { name: opts.name, model_type: model.modelType, vocab_size: model.embeddings.V, layers: model.original.map((b) => ({ index: b.index, kind: b.kind })) },
        layout: e.layout, blocks: e.blocks, prompt: e.prompt, ...(spec.prompt.kind === 'ids' ? {} : { promptSpec: spec.prompt }),
        capture: spec.capture, maxNewTokens: spec.maxNewTokens, topK: spec.topK,
      });
    } else if (e.type === 'layer') await w.layer(e.record);
    else if (e.type === 'token') w.token({ step: e.step, id: e.id, text: e.text, logprob: e.logprob, top: e.top });
  }
}
