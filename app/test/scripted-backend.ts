// A scripted engine for service tests whose timing must not depend on model speed: each block
// "computes" by spinning for `msPerBlock` (the service cannot interrupt a block, just as with the real
// engine), records are functions of the ids and the block, and the answer is the expected number.
// Model open goes through the real engine (inspect + load), so open failures are real ones.
import { inspectCheckpoint, loadModel } from '../../engine/io/checkpoint';
import type { Model } from '../../engine/model';
import { layoutPhonebook } from '../../engine/phonebook/book';
import type { Backend } from '../backend';
import type { BlockKind } from '../../engine/layout';
import type { LayerRecordWire } from '../records';

export interface ScriptedModel {
  kinds: BlockKind[];
  blocks: number[];
  engine: Model;
}

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* a block computing */ }
}

export function scriptedBackend(opts: { msPerBlock: number; arraysPerBlock?: number }): Backend<ScriptedModel> & { blocksRun: number } {
  const backend = {
    blocksRun: 0,
    inspect: inspectCheckpoint,
    async load(src) {
      const engine = await loadModel(src);
      const kinds = engine.blocks.map((b) => b.kind);
      return { kinds, blocks: kinds.map((_, i) => i), engine };
    },
    kinds: (m) => m.kinds,
    vocabSize: (m) => m.engine.config.vocab_size,
    hasTokenizer: (m) => m.engine.tokenizer !== undefined,
    tokenizer: (m) => m.engine.tokenizer,
    arrange: (m, blocks) => ({ ...m, blocks }),
    prompt(_m, spec) {
      if (spec.kind === 'ids') return { ids: Int32Array.from(spec.ids), tokens: spec.ids.map(String), focus: [spec.ids.length - 1] };
      if (spec.kind === 'text') return { ids: Int32Array.from(spec.text, (c) => c.charCodeAt(0) % 64), tokens: [...spec.text], focus: [spec.text.length - 1] };
      const book = layoutPhonebook({ ...spec.spec, entries: spec.spec.entries ?? 10, shots: spec.spec.fewShot }, spec.seed);
      const ids = Int32Array.from(book.text, (c) => c.charCodeAt(0) % 64);
      return {
        ids, tokens: [...book.text], focus: [ids.length - 1],
        phonebook: {
          entries: book.entries.map((e) => ({ name: e.name, number: e.number, tokens: e.span })),
          target: book.target, examples: book.examples, expected: book.answer,
        },
      };
    },
    *forward(m, ids, capture) {
      for (let i = 0; i < m.blocks.length; i++) {
        spin(opts.msPerBlock);
        backend.blocksRun++;
        const b = m.blocks[i];
        const norm = Float32Array.from(ids, (id, t) => id + b * 100 + t);
        const record: LayerRecordWire = {
          index: i, block: b, kind: m.kinds[b], name: `layers.${b}.mixer`, residualNorm: norm, contributionNorm: norm.map((x) => x / 2),
          focus: capture.focus, ms: 0,
        };
        if (opts.arraysPerBlock) {
          record.attention = { H: 1, focusProbs: { shape: [opts.arraysPerBlock], data: new Float32Array(opts.arraysPerBlock).fill(b) } };
        }
        yield record;
      }
      return { ids };
    },
    *generate(_m, ids, _prefilled, maxNew) {
      for (let s = 0; s < maxNew; s++) yield { id: s, text: String((ids.length + s) % 10), logprob: -0.1, top: [] };
    },
  } satisfies Backend<ScriptedModel> & { blocksRun: number };
  return backend;
}
