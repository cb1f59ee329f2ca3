// Traces granted to the page by main: only trace files, read in ranges inside their size and at most
// MAX_TRACE_READ_BYTES at a time, by a random id; a file that shrank gives fewer bytes.
import { mkdtempSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TRACE_READ_BYTES } from '../app/desktop-api';
import { TraceGrants } from './trace-files';

const dir = mkdtempSync(join(tmpdir(), 'hs-trace-grants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function traceFile(name: string, size: number): string {
  const bytes = new Uint8Array(size).map((_, i) => i & 255);
  bytes.set(new TextEncoder().encode('HSTRACE\0'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('TraceGrants', () => {
  it('grants a trace file under a random id and reads the ranges asked for', async () => {
    const grants = new TraceGrants();
    const g = await grants.grant(traceFile('a.hstrace', 300));
    expect(g).toEqual({ trace: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'a.hstrace', size: 300 });
    expect([...await grants.read(g.trace, 0, 8)]).toEqual([...new TextEncoder().encode('HSTRACE\0')]);
    expect([...await grants.read(g.trace, 297, 300)]).toEqual([297 & 255, 298 & 255, 299 & 255]);
    expect((await grants.read(g.trace, 10, 10)).length).toBe(0);
    const again = await grants.grant(join(dir, 'a.hstrace'));
    expect(again.trace).not.toBe(g.trace);
  });

  it('refuses what is not a trace file, naming it without its folder', async () => {
    const grants = new TraceGrants();
    writeFileSync(join(dir, 'notes.hstrace'), 'plain text, named like a trace');
    await expect(grants.grant(join(dir, 'notes.hstrace'))).rejects.toThrow(/^notes\.hstrace: not a HybridScope trace \(\.hstrace\)$/);
    writeFileSync(join(dir, 'empty.hstrace'), '');
    await expect(grants.grant(join(dir, 'empty.hstrace'))).rejects.toThrow(/^empty\.hstrace: not a HybridScope trace/);
    mkdirSync(join(dir, 'folder.hstrace'));
    await expect(grants.grant(join(dir, 'folder.hstrace'))).rejects.toThrow(/^folder\.hstrace: not a file$/);
  });

  it('refuses unknown ids, ranges outside the file and reads over the limit', async () => {
    const grants = new TraceGrants();
    const g = await grants.grant(traceFile('b.hstrace', 64));
    await expect(grants.read('0'.repeat(32), 0, 4)).rejects.toThrow(/no such trace/);
    await expect(grants.read({ toString: () => g.trace }, 0, 4)).rejects.toThrow(/no such trace/);
    for (const [a, b] of [[0, 65], [4, 3], [-1, 2], [1.5, 3], [NaN, 3], [0, Infinity]]) {
      await expect(grants.read(g.trace, a, b)).rejects.toThrow(/inside the trace's 64 bytes/);
    }
    const big = await grants.grant(traceFile('big.hstrace', MAX_TRACE_READ_BYTES + 16));
    await expect(grants.read(big.trace, 0, MAX_TRACE_READ_BYTES + 1)).rejects.toThrow(/at most \d+ bytes at a time/);
    expect((await grants.read(big.trace, 16, MAX_TRACE_READ_BYTES + 16)).length).toBe(MAX_TRACE_READ_BYTES);
  });

  it('gives fewer bytes when the file shrank after its grant, and keeps the last 16 grants', async () => {
    const grants = new TraceGrants();
    const path = traceFile('c.hstrace', 100);
    const g = await grants.grant(path);
    truncateSync(path, 50);
    expect((await grants.read(g.trace, 40, 100)).length).toBe(10);
    const ids = [];
    for (let i = 0; i < 17; i++) ids.push((await grants.grant(path)).trace);
    await expect(grants.read(g.trace, 0, 8)).rejects.toThrow(/no such trace/);
    await expect(grants.read(ids[0], 0, 8)).rejects.toThrow(/no such trace/);
    expect((await grants.read(ids[16], 0, 8)).length).toBe(8);
  });
});
