// Files past 2 GiB, without writing them: sparse files (a header, then bytes written only where a
// tensor is read) cost no disk and no time. A checkpoint whose tensors all sit beyond 2 GiB loads
// and runs as the same checkpoint written compactly; a mamba2-1.3b-sized one (2.7 GB) is refused
// before any tensor is read when the memory budget is smaller, in one line with the bytes.
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { bigCheckpointBytes, BIG_CONFIGS, header } from '../../bench/big-checkpoint';
import { nodeFolderSource } from '../cli/node-files';
import { CheckpointError } from '../errors';
import { forward } from '../forward';
import { TINY_CONFIGS, tinyTensors } from '../test/tiny';
import type { FileSource } from './files';
import { inspectCheckpoint, loadModel } from './checkpoint';
import { setMemoryBudget } from './memory';
import { writeSafetensors } from './safetensors-write';

const dir = mkdtempSync(join(tmpdir(), 'hybridscope-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setMemoryBudget(undefined));

const GAP = 2 ** 31 + 12345; // bytes of an unused tensor in front: every real one starts past 2 GiB

/** `file`: the safetensors header, a sparse gap of `gap` bytes, then `data` (written). */
function sparseSafetensors(file: string, json: string, gap: number, data: Uint8Array): number {
  const text = new TextEncoder().encode(json);
  const fd = openSync(file, 'w');
  try {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setUint32(0, text.length, true);
    writeSync(fd, len);
    writeSync(fd, text);
    const start = 8 + text.length + gap;
    ftruncateSync(fd, start + data.length);
    writeSync(fd, data, 0, data.length, start);
    return start + data.length;
  } finally {
    closeSync(fd);
  }
}

/** Reads through `src`, recording every range that reaches past `limit` bytes. */
function spy(src: FileSource, limit: number): { src: FileSource; reads: [number, number][] } {
  const reads: [number, number][] = [];
  return { reads, src: { ...src, readRange: (f, s, e) => (e > limit && reads.push([s, e]), src.readRange(f, s, e)) } };
}

describe('checkpoint files over 2 GiB', () => {
  it('reads the header and every tensor at offsets past 2 GiB, as the compact file gives them', async () => {
    const config = TINY_CONFIGS.mamba;
    const tensors = tinyTensors(config, { seed: 3 });
    const compact = writeSafetensors(tensors);
    const n = Number(new DataView(compact.buffer, compact.byteOffset, 8).getBigUint64(0, true));
    const head = JSON.parse(new TextDecoder().decode(compact.subarray(8, 8 + n))) as Record<string, { data_offsets?: number[] }>;
    // the same tensors after an unused one of GAP bytes
    const shifted: Record<string, unknown> = { padding: { dtype: 'U8', shape: [GAP], data_offsets: [0, GAP] } };
    for (const [name, e] of Object.entries(head)) {
      shifted[name] = e.data_offsets ? { ...e, data_offsets: e.data_offsets.map((o) => o + GAP) } : e;
    }
    const folder = join(dir, 'shifted');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
    const size = sparseSafetensors(join(folder, 'model.safetensors'), JSON.stringify(shifted), GAP, compact.subarray(8 + n));
    expect(size).toBeGreaterThan(2 ** 31);

    const { src, reads } = spy(nodeFolderSource(folder), 2 ** 31);
    const info = await inspectCheckpoint(src);
    expect(info.warnings.join()).toMatch(/"padding"/); // read from the header, never from the data
    const model = await loadModel(src);
    // the tensors by range (back to back, so a run of them in one read), never the unused padding
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every(([s]) => s >= size - (compact.length - 8 - n))).toBe(true);

    const reference = await loadModel({
      name: 'compact', has: async (f) => f === 'config.json' || f === 'model.safetensors',
      read: async (f) => (f === 'config.json' ? new TextEncoder().encode(JSON.stringify(config)) : compact),
      readRange: async (_f, s, e) => compact.subarray(s, e), size: async () => compact.length,
    });
    const ids = Int32Array.from([1, 4, 2, 7, 3]);
    expect(Array.from(forward(model, ids).logits.data)).toEqual(Array.from(forward(reference, ids).logits.data));
  });

  it('refuses a mamba2-1.3b-sized checkpoint (one 2.7 GB file) that does not fit, in one line, before reading a tensor', async () => {
    const folder = join(dir, 'mamba2-1.3b');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'config.json'), JSON.stringify(BIG_CONFIGS['mamba2-1.3b']));
    const h = header('mamba2-1.3b');
    const bytes = bigCheckpointBytes('mamba2-1.3b');
    sparseSafetensors(join(folder, 'model.safetensors'), new TextDecoder().decode(h), bytes - 8 - h.length, new Uint8Array(0));
    const { src, reads } = spy(nodeFolderSource(folder, folder), 8 + h.length);
    const info = await inspectCheckpoint(src);
    expect(info.parameters).toBeGreaterThan(1.3e9);
    setMemoryBudget(() => 2 ** 30);
    const err = await loadModel(src).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    const message = (err as Error).message;
    console.log(`refused: ${message}`);
    expect(message).not.toContain('\n');
    expect(message).toMatch(/model\.safetensors: loading this model needs about 2\.\d GB \((\d+) bytes\), but only 1\.0 GB \(1073741824 bytes\) are available; capture a trace with PyTorch instead \(python -m hybridscope_capture\) and open it here$/);
    const needed = Number(/about [\d.]+ GB \((\d+) bytes\)/.exec(message)![1]);
    expect(needed).toBeGreaterThan(bytes - 8 - h.length); // at least the weights as stored
    expect(needed).toBeLessThan(1.2 * bytes);
    expect(reads).toEqual([]);
  });
});
