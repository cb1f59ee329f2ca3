// The trace reader (FORMAT.md) over a FileSource's range reads: it reads the preamble and header,
// then one section at a time, so a UI can show layers as they arrive and a file of many gigabytes is
// never read whole. Every length, offset, shape and version is checked before anything it sizes is
// allocated; a bad file is one CheckpointError naming it and the problem.
import { CheckpointError } from '../errors';
import { pathOf, type FileSource } from '../io/files';
import type { LayerRecord } from '../records';
import type { RunSummary, RunToken } from '../run';
import { decodeHeader, decodeRecordJson, decodeSummary, decodeTokens, parseSectionJson } from './decode';
import { decodePreamble, decodeSectionHead, PREAMBLE_BYTES, SECTION_HEAD_BYTES, type SectionHead } from './format';
import type { TraceHeader } from './write';

export interface TraceEnd {
  /** Layer sections in the file. */
  layers: number;
  tokens: RunToken[];
  summary: RunSummary;
}

export interface TraceReader {
  /** How messages name the file. */
  file: string;
  size: number;
  version: number;
  recordVersion: number;
  header: TraceHeader;
  /** The layer records one at a time, in index order (one pass; arrays read as each is reached). */
  records(): AsyncGenerator<LayerRecord, void>;
  /** Tokens and summary; skips the layers not yet read, reading only their section heads. */
  finish(): Promise<TraceEnd>;
}

export interface Trace {
  header: TraceHeader;
  records: LayerRecord[];
  tokens: RunToken[];
  summary: RunSummary;
}

/** Range reads of one file. */
async function rangeReader(src: FileSource, file: string): Promise<{ size: number; read(start: number, end: number): Promise<Uint8Array> }> {
  return { size: await src.size(file), read: (start, end) => src.readRange(file, start, end) };
}

/** Opens a trace: checks the preamble and reads the header. */
export async function openTrace(src: FileSource, file: string): Promise<TraceReader> {
  const name = pathOf(src, file);
  const io = await rangeReader(src, file);
  const size = io.size;
  const exact = async (start: number, end: number): Promise<Uint8Array> => {
    const b = await io.read(start, end);
    if (b.length !== end - start) throw new CheckpointError(name, `truncated: bytes ${start}..${end} could not be read (the file changed?)`);
    return b;
  };
  const { version, recordVersion } = decodePreamble(await exact(0, Math.min(size, PREAMBLE_BYTES)), name, size);

  let pos = PREAMBLE_BYTES;
  let layers = 0;
  let iterating = false;
  const head = async (): Promise<SectionHead> => {
    if (pos >= size) throw new CheckpointError(name, `truncated: the file ends at byte ${size} before the summary`);
    return decodeSectionHead(await exact(pos, Math.min(size, pos + SECTION_HEAD_BYTES)), pos, name, size);
  };
  const json = async (s: SectionHead): Promise<unknown> =>
    parseSectionJson(await exact(s.at + SECTION_HEAD_BYTES, s.dataStart), name, `section ${s.tag} at byte ${s.at}`);
  const expectTag = (s: SectionHead, want: string) => {
    if (s.tag !== want) throw new CheckpointError(name, `section ${s.tag} at byte ${s.at} where ${want} belongs`);
  };

  const first = await head();
  expectTag(first, 'HEAD');
  const header = decodeHeader(await json(first), name);
  pos = first.end;
  const maxLayers = header.blocks.length;

  /** The next section if it is a layer (pos then past it), or undefined at the tokens. */
  const nextLayer = async (): Promise<SectionHead | undefined> => {
    const s = await head();
    if (s.tag === 'TOKS') return undefined;
    expectTag(s, 'LAYR');
    if (layers >= maxLayers) throw new CheckpointError(name, `layer section ${layers} at byte ${s.at}, but the run has ${maxLayers} blocks`);
    return s;
  };

  return {
    file: name, size, version, recordVersion, header,
    async *records() {
      if (iterating) throw new Error('trace: records() reads the file once');
      iterating = true;
      for (let s = await nextLayer(); s; s = await nextLayer()) {
        const rec = decodeRecordJson(await json(s), name, layers, header, s.dataBytes);
        const data = await exact(s.dataStart, s.end);
        pos = s.end;
        layers++;
        yield rec.fill(data);
      }
    },
    async finish() {
      for (let s = await nextLayer(); s; s = await nextLayer()) {
        pos = s.end;
        layers++;
      }
      const t = await head();
      const tokens = decodeTokens(await json(t), name);
      pos = t.end;
      const s = await head();
      expectTag(s, 'SUMM');
      const summary = decodeSummary(await json(s), name);
      if (s.end !== size) throw new CheckpointError(name, `${size - s.end} bytes after the summary, which ends a trace`);
      if (summary.status === 'complete' && layers !== maxLayers) {
        throw new CheckpointError(name, `a complete run with ${layers} layer sections for ${maxLayers} blocks`);
      }
      return { layers, tokens, summary };
    },
  };
}

/** The whole trace, every record in memory: for tests and small traces. */
export async function readTrace(src: FileSource, file: string): Promise<Trace> {
  const reader = await openTrace(src, file);
  const records: LayerRecord[] = [];
  for await (const r of reader.records()) records.push(r);
  const { tokens, summary } = await reader.finish();
  return { header: reader.header, records, tokens, summary };
}
