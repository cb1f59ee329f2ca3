// Whether two traces of the same model and prompt say the same thing: a trace from elsewhere (the
// PyTorch capture package, another machine, an older build) against a reference (usually the
// engine's own). Exact: the header but its producer, every record's fields but its arrays and
// timing, the tokens and their alternatives, the summary but its timings. Within a tolerance: every
// record array, as max|a − b| / max|b| over the array (b the reference's), and every log-prob, as
// |a − b| / max(1, |b|). Each file's records digest is recomputed from its records. Both files are
// read one record at a time, so traces of any size compare in the memory of two records.
import { Digest } from '../digest';
import { recordArrays, type LayerRecord } from '../records';
import type { TraceReader } from './read';

export interface Agreement {
  /** What must be equal and is not: one line each, the first few. */
  mismatches: string[];
  /** The largest relative error of any record array, and where. */
  worst: { err: number; at: string };
  /** The largest relative error of any log-prob (chosen tokens and their alternatives). */
  logprobErr: number;
  records: number;
  arrays: number;
  /** Arrays the capture budget dropped (the same in both, or a mismatch says otherwise). */
  dropped: number;
}

const MAX_MISMATCHES = 10;

/** max|a − b| / max|b| (0 when equal; Infinity when b is all zeros and a is not). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / scale;
}

/** The first place two JSON-like values differ ('' when they do not), arrays of floats by length. */
export function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (a instanceof Float32Array || b instanceof Float32Array) {
    return a instanceof Float32Array && b instanceof Float32Array && a.length === b.length ? '' : `${path || 'value'}: float arrays of different lengths`;
  }
  if (a === b) return '';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path || 'value'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return '';
}

function without<T extends object>(o: T, keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as Partial<T>;
}

/** A record's fields without timing; arrays compared by length here, by value below. */
const recordFields = (r: LayerRecord) => without(r, ['ms']);

/** Compares trace `a` with the reference `b`, both freshly opened. */
export async function agreeTraces(a: TraceReader, b: TraceReader): Promise<Agreement> {
  const out: Agreement = { mismatches: [], worst: { err: 0, at: '' }, logprobErr: 0, records: 0, arrays: 0, dropped: 0 };
  const note = (line: string) => void (out.mismatches.length < MAX_MISMATCHES && out.mismatches.push(line));

  const head = firstDifference(without(a.header, ['producer']), without(b.header, ['producer']), 'header');
  if (head) note(head);

  const digests = [new Digest(), new Digest()];
  const ra = a.records();
  const rb = b.records();
  for (;;) {
    const [x, y] = await Promise.all([ra.next(), rb.next()]);
    if (x.done || y.done) {
      if (!x.done || !y.done) note(`records: one file ends after ${out.records} layer records, the other goes on`);
      break;
    }
    const [r, e] = [x.value, y.value];
    digests[0].addRecord(r);
    digests[1].addRecord(e);
    const d = firstDifference(recordFields(r), recordFields(e), `layer ${out.records}`);
    if (d) note(d);
    const ref = new Map(recordArrays(e).map((v) => [v.path, v.data]));
    for (const { path, data } of recordArrays(r)) {
      const other = ref.get(path);
      if (!other || other.length !== data.length) continue; // said by firstDifference
      const err = relativeError(data, other);
      out.arrays++;
      if (err > out.worst.err || out.worst.at === '') out.worst = { err, at: `layer ${out.records} ${path}` };
    }
    out.dropped += e.notices?.length ?? 0;
    out.records++;
  }

  const [ea, eb] = await Promise.all([a.finish(), b.finish()]);
  const choice = (t: { id: number; text: string }) => [t.id, t.text];
  const tokens = firstDifference(ea.tokens.map((t) => [choice(t), t.top.map(choice)]), eb.tokens.map((t) => [choice(t), t.top.map(choice)]), 'tokens');
  if (tokens) note(tokens);
  else {
    const rel = (p: number, q: number) => Math.abs(p - q) / Math.max(1, Math.abs(q));
    ea.tokens.forEach((t, k) => {
      const u = eb.tokens[k];
      out.logprobErr = Math.max(out.logprobErr, rel(t.logprob, u.logprob), ...t.top.map((alt, j) => rel(alt.logprob, u.top[j].logprob)));
    });
  }
  const summary = firstDifference(without(ea.summary, ['timings', 'recordsDigest']), without(eb.summary, ['timings', 'recordsDigest']), 'summary');
  if (summary) note(summary);
  [ea, eb].forEach((end, i) => {
    const hex = digests[i].hex();
    if (end.summary.recordsDigest !== hex) note(`${[a, b][i].file}: its records digest ${end.summary.recordsDigest} is not the one its records give (${hex})`);
  });
  return out;
}

export const agrees = (r: Agreement, tol: number): boolean => r.mismatches.length === 0 && r.worst.err <= tol && r.logprobErr <= tol;

/** One line: whether they agree within `tol`, and the figures. */
export function agreementLine(r: Agreement, tol: number): string {
  const figures =
    `worst max|a-b|/max|b| ${r.worst.err.toExponential(2)}${r.worst.at ? ` (${r.worst.at})` : ''} over ${r.arrays} arrays in ${r.records} layer records; ` +
    `log-probs within ${r.logprobErr.toExponential(2)}; ${r.dropped} arrays dropped by the budget`;
  if (agrees(r, tol)) return `agree within ${tol}: ${figures}; same prompt, records, tokens and answer`;
  const why = r.mismatches.length ? `${r.mismatches.length}${r.mismatches.length === MAX_MISMATCHES ? '+' : ''} differences, first: ${r.mismatches[0]}` : `over the tolerance ${tol}`;
  return `differ: ${why}; ${figures}`;
}
