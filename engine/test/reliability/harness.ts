// The reliability harness: runs one hostile input against a reader or boundary, bounded in time, and
// classifies what happened. An input may be accepted, or refused with an error of the reader's own
// class whose message is one line naming the file or field and the problem. Anything else — a raw
// TypeError/RangeError, a multi-line or vague message, an error of the wrong class — is a crash; an
// input that takes longer than its bound is a hang. Counts per kind feed the summary table.

export type Outcome = 'accepted' | 'refused' | 'crash' | 'hang';

export interface KindStats {
  kind: string;
  tried: number;
  refused: number;
  accepted: number;
  crashes: number;
  hangs: number;
  slowestMs: number;
  /** The first few crash/hang descriptions, for the test output. */
  failures: string[];
}

/** What a refusal of this kind must look like. */
export interface Expectation {
  /** Error classes a refusal may have (checked by exact constructor, so TypeError never passes as Error). */
  classes: readonly (abstract new (...args: never[]) => Error)[];
  /** The message names the file or field: e.g. starts with the file path or mentions the field. */
  names(message: string): boolean;
}

/** Text that only appears when code stumbled over a value instead of checking it. */
const STUMBLES = [/\[object Object\]/, /Cannot read propert/i, /is not a function/, /is not iterable/, /Maximum call stack/, /Invalid array length/, /Array buffer allocation failed/];

export const MAX_MESSAGE_CHARS = 600;

/** Why `e` is not a proper refusal, or null when it is one. */
export function refusalProblem(e: unknown, expect: Expectation): string | null {
  if (!(e instanceof Error)) return `threw a non-Error ${String(e).slice(0, 80)}`;
  if (!expect.classes.some((c) => e.constructor === c)) return `threw ${e.constructor.name}: ${e.message.slice(0, 200)}`;
  const m = e.message;
  if (m.length === 0) return 'empty message';
  if (/[\n\r]/.test(m)) return `multi-line message: ${JSON.stringify(m.slice(0, 200))}`;
  if (m.length > MAX_MESSAGE_CHARS) return `message of ${m.length} characters: ${m.slice(0, 120)}…`;
  const stumble = STUMBLES.find((re) => re.test(m));
  if (stumble) return `message shows a stumble (${stumble.source}): ${m.slice(0, 200)}`;
  if (!expect.names(m)) return `message does not name the file or field: ${m.slice(0, 200)}`;
  return null;
}

export function newStats(kind: string): KindStats {
  return { kind, tried: 0, refused: 0, accepted: 0, crashes: 0, hangs: 0, slowestMs: 0, failures: [] };
}

const now = () => performance.now();

function record(stats: KindStats, outcome: Outcome, ms: number, detail: () => string): Outcome {
  stats.tried++;
  stats.slowestMs = Math.max(stats.slowestMs, ms);
  if (outcome === 'accepted') stats.accepted++;
  else if (outcome === 'refused') stats.refused++;
  else {
    if (outcome === 'crash') stats.crashes++;
    else stats.hangs++;
    if (stats.failures.length < 5) stats.failures.push(`${outcome}: ${detail()}`);
  }
  return outcome;
}

/** A synchronous reader: it cannot be interrupted, so it must return fast by construction; an input
 *  that takes longer than `boundMs` counts as a hang (measured, not raced). */
export function attemptSync(stats: KindStats, input: () => string, run: () => unknown, expect: Expectation, boundMs = 2000): Outcome {
  const t0 = now();
  let problem: string | null = null;
  let threw = false;
  try {
    run();
  } catch (e) {
    threw = true;
    problem = refusalProblem(e, expect);
  }
  const ms = now() - t0;
  if (ms > boundMs) return record(stats, 'hang', ms, () => `${ms.toFixed(0)} ms on ${input()}`);
  if (!threw) return record(stats, 'accepted', ms, input);
  return record(stats, problem ? 'crash' : 'refused', ms, () => `${problem} ← ${input()}`);
}

/** An asynchronous reader, raced against a timer of `boundMs`. */
export async function attempt(stats: KindStats, input: () => string, run: () => Promise<unknown>, expect: Expectation, boundMs = 2000): Promise<Outcome> {
  const t0 = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), boundMs); });
  const settled = run().then(() => ({ ok: true as const }), (e: unknown) => ({ ok: false as const, e }));
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  const ms = now() - t0;
  if (result === 'timeout') return record(stats, 'hang', ms, () => `no answer in ${boundMs} ms on ${input()}`);
  if (result.ok) return record(stats, 'accepted', ms, input);
  const problem = refusalProblem(result.e, expect);
  return record(stats, problem ? 'crash' : 'refused', ms, () => `${problem} ← ${input()}`);
}

/** Record an outcome decided by the caller (e.g. a service answering over a port). */
export function recordOutcome(stats: KindStats, outcome: Outcome, ms: number, detail: () => string): Outcome {
  return record(stats, outcome, ms, detail);
}

/** A short printable form of an input for failure reports. */
export function show(value: unknown, max = 240): string {
  let s: string;
  if (value instanceof Uint8Array) s = `Uint8Array(${value.length}) [${[...value.subarray(0, 24)].join(',')}…]`;
  else {
    try {
      s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The summary table as the suite prints it. */
export function formatTable(all: readonly KindStats[], title: string): string {
  const head = ['kind', 'inputs tried', 'refused-with-message', 'accepted', 'crashes', 'hangs', 'slowest input ms'];
  const total = all.reduce((t, s) => ({
    ...t, tried: t.tried + s.tried, refused: t.refused + s.refused, accepted: t.accepted + s.accepted,
    crashes: t.crashes + s.crashes, hangs: t.hangs + s.hangs, slowestMs: Math.max(t.slowestMs, s.slowestMs),
  }), newStats('total'));
  const rows = [...all, total].map((s) => [s.kind, s.tried, s.refused, s.accepted, s.crashes, s.hangs, s.slowestMs.toFixed(1)].map(String));
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const failures = all.flatMap((s) => s.failures.map((f) => `  ${s.kind}: ${f}`));
  return [title, line(head), rule, ...rows.slice(0, -1).map(line), line(rows[rows.length - 1]), ...failures].join('\n');
}

export function totals(all: readonly KindStats[]): { tried: number; crashes: number; hangs: number } {
  return all.reduce((t, s) => ({ tried: t.tried + s.tried, crashes: t.crashes + s.crashes, hangs: t.hangs + s.hangs }), { tried: 0, crashes: 0, hangs: 0 });
}
