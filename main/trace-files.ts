// Trace files that reach main as paths (the OS's file association, a second launch, macOS
// open-file, the recent list), read by the page in ranges. The page has no Node and never sees a
// path: main checks the file is a trace (its magic bytes) and grants it under a random id; the page
// asks for byte ranges of that id (ipc.ts, `trace:read`), each checked against the file's size and
// MAX_TRACE_READ_BYTES, so a large trace is never read whole, nor held in main. The page's trace
// reader (engine/trace/read.ts) then validates the bytes as it does a dropped file's. Pure Node: no
// electron import, tested in Node (trace-files.test.ts).
import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_TRACE_READ_BYTES, type OpenedTrace } from '../app/desktop-api';
import { isTrace, TRACE_EXTENSION } from '../engine';

/** Grants kept at once; the oldest goes first (a page that opened so many holds only the last). */
const MAX_GRANTS = 16;

export class TraceGrants {
  private readonly grants = new Map<string, { path: string; size: number }>();

  /** Checks that `path` is a trace file and grants it; throws one line naming the file otherwise. */
  async grant(path: string): Promise<OpenedTrace> {
    const name = basename(path);
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`${name}: not a file`);
    const head = await readAt(path, 0, Math.min(8, info.size));
    // only a trace's bytes reach the page: any other file's stay in main
    if (!isTrace(head)) throw new Error(`${name}: not a HybridScope trace (${TRACE_EXTENSION})`);
    const trace = randomBytes(16).toString('hex');
    this.grants.set(trace, { path, size: info.size });
    for (const old of this.grants.keys()) {
      if (this.grants.size <= MAX_GRANTS) break;
      this.grants.delete(old);
    }
    return { trace, name, size: info.size };
  }

  /** Bytes [start, end) of a granted trace: fewer when the file has since shrunk (the reader then
   *  says it is truncated). Throws on an unknown grant or a range outside the granted size. */
  async read(trace: unknown, start: unknown, end: unknown): Promise<Uint8Array> {
    const g = typeof trace === 'string' ? this.grants.get(trace) : undefined;
    if (!g) throw new Error('trace read: no such trace (open it again)');
    const ok = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!ok(start) || !ok(end) || end < start || end > g.size) throw new Error(`trace read: the range must lie inside the trace's ${g.size} bytes`);
    if (end - start > MAX_TRACE_READ_BYTES) throw new Error(`trace read: at most ${MAX_TRACE_READ_BYTES} bytes at a time`);
    return readAt(g.path, start, end);
  }
}

async function readAt(path: string, start: number, end: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(end - start);
    let at = 0;
    while (at < buf.length) {
      const { bytesRead } = await fh.read(buf, at, buf.length - at, start + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}
