// A trace of the bundled hybrid read back: every record array, the prompt, the tokens and the
// summary equal what runModel streamed, the digest recomputed from the read records equals the
// run's, and records arrive one at a time from range reads that never read the file whole.
import { describe, expect, it } from 'vitest';
import { nodeFolderSource } from '../cli/node-files';
import { Digest } from '../digest';
import { loadModel } from '../io/checkpoint';
import { memorySource, type FileSource } from '../io/files';
import { recordArrays, type LayerRecord } from '../records';
import { DEFAULT_CAPTURE, runModel, type RunEvent, type RunSpec } from '../run';
import { openTrace, readTrace } from './read';
import { writeRunTrace } from './write';

const model = await loadModel(nodeFolderSource(new URL('../../assets/models/hybrid', import.meta.url).pathname));
const spec: RunSpec = {
  prompt: { kind: 'phonebook', seed: 5, spec: { entries: 10, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } },
  capture: { ...DEFAULT_CAPTURE, names: ['layers.0.mixer.ssm_state'] }, maxNewTokens: 16, topK: 3,
};

/** Runs `spec`, keeping every event while writing the trace. */
async function traced(): Promise<{ bytes: Uint8Array; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const run = runModel(model, spec, { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
  async function* tee() {
    for (let next = await run.next(); ; next = await run.next()) {
      if (next.done) return next.value;
      events.push(next.value);
      yield next.value;
    }
  }
  const chunks: Uint8Array[] = [];
  await writeRunTrace(tee(), model, spec, (c) => void chunks.push(c.slice()), { name: 'hybrid', producer: 'test' });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) bytes.set(c, (at += c.length) - c.length);
  return { bytes, events };
}

const { bytes, events } = await traced();
const streamed = events.flatMap((e) => (e.type === 'layer' ? [e.record] : []));

/** A source that counts and bounds its reads, and has no whole-file read. */
function rangeOnly(data: Uint8Array): FileSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    name: 'mem', reads,
    has: async () => true,
    read: async () => { throw new Error('read whole'); },
    readRange: async (_f, start, end) => (reads.push([start, end]), data.subarray(start, end)),
    size: async () => data.length,
  };
}

describe('trace files', () => {
  it('read back every record array, the prompt, the tokens and the summary as the run streamed them', async () => {
    const t = await readTrace(memorySource('mem', { 'run.trace': bytes }), 'run.trace');
    const started = events[0] as Extract<RunEvent, { type: 'started' }>;
    expect(t.header.prompt).toEqual(started.prompt);
    expect(t.header.prompt.ids).toBeInstanceOf(Int32Array);
    expect([t.header.layout, t.header.blocks]).toEqual([started.layout, started.blocks]);
    expect(t.header.model.layers.map((l) => l.kind)).toEqual(model.original.map((b) => b.kind));
    expect(t.records).toHaveLength(streamed.length);
    for (const [i, r] of t.records.entries()) {
      const want = recordArrays(streamed[i]);
      const got = recordArrays(r);
      expect(got.map((a) => a.path)).toEqual(want.map((a) => a.path));
      for (const [j, a] of got.entries()) expect(a.data).toEqual(want[j].data);
      expect(r).toEqual(streamed[i]);
    }
    expect(t.records.some((r) => r.named && Object.keys(r.named).length > 0)).toBe(true);
    const tokens = events.flatMap((e) => (e.type === 'token' ? [{ step: e.step, id: e.id, text: e.text, logprob: e.logprob, top: e.top }] : []));
    expect(t.tokens).toEqual(tokens);
    const digest = new Digest();
    for (const r of t.records) digest.addRecord(r);
    expect(digest.hex()).toBe(t.summary.recordsDigest);
    expect(t.summary.generatedIds).toEqual(tokens.map((k) => k.id));
  });

  it('streams records one by one from range reads, never the whole file', async () => {
    const src = rangeOnly(bytes);
    const reader = await openTrace(src, 'run.trace');
    expect(src.reads.every(([a, b]) => b - a < 64 * 1024)).toBe(true); // only the header so far
    const seen: LayerRecord[] = [];
    for await (const r of reader.records()) {
      seen.push(r);
      const largest = Math.max(...src.reads.map(([a, b]) => b - a));
      expect(largest).toBeLessThan(bytes.length / 2);
      if (seen.length === 3) break;
    }
    expect(seen.map((r) => r.index)).toEqual([0, 1, 2]);
    const end = await reader.finish(); // skips the rest by their heads
    expect(end.layers).toBe(streamed.length);
    expect(end.summary.recordsDigest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('aligns every section\'s data to 8 bytes and ends at the summary', () => {
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const tags: string[] = [];
    for (let at = 16; at < bytes.length;) {
      tags.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
      const j = view.getUint32(at + 4, true);
      expect((at + 16 + j) % 8).toBe(0);
      at += 16 + j + view.getUint32(at + 8, true);
    }
    expect(tags).toEqual(['HEAD', ...Array(streamed.length).fill('LAYR'), 'TOKS', 'SUMM']);
  });
});
