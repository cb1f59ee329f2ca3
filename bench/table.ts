// The one result format of the bench: rows printed as a table and written as JSON.

export interface Row {
  part: string; // a … e
  name: string;
  engine: string; // the engine's figure with its unit, or '—'
  reference: string; // onnxruntime-node's (or the other model's) figure, or '—'
  ratio: string; // engine / reference where it means something
  /** The engine's GFLOP/s as a share of the FMA limit (bench/fma.ts) on the same threads, where it means something. */
  limit?: string;
  /** The same share with CPU time for wall time, on both sides (process CPU, all threads): load on a
   *  shared machine stretches wall time, far less the CPU time a computation takes. */
  cpuLimit?: string;
  target: string;
  status: 'ok' | 'below target' | 'skipped' | 'not measured yet' | 'info';
  note?: string;
  values?: Record<string, number>; // raw numbers for the JSON
}

export function printTable(rows: Row[]): string {
  const cols: (keyof Row)[] = ['part', 'name', 'engine', 'reference', 'ratio', 'limit', 'cpuLimit', 'target', 'status'];
  const names: Partial<Record<keyof Row, string>> = { limit: 'of limit', cpuLimit: 'of limit (cpu)' };
  const head = cols.map((c) => names[c] ?? c);
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? (c in names ? '—' : ''))));
  const width = cols.map((_, i) => Math.max(head[i].length, ...cells.map((row) => row[i].length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(width[i])).join('  ').trimEnd();
  const out = [line(head), line(width.map((w) => '-'.repeat(w)))];
  for (let i = 0; i < rows.length; i++) {
    out.push(line(cells[i]));
    if (rows[i].note) out.push(`      ${rows[i].note}`);
  }
  return out.join('\n');
}

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** GFLOP/s as a percentage of a limit, for the `limit` column ('—' without one). */
export const share = (gflops: number, limit: number | undefined) => (limit ? `${fmt((100 * gflops) / limit, 0)} %` : '—');
