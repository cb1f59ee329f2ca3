// The one result format of the bench: rows printed as a table and written as JSON.

export interface Row {
  part: string; // a … e
  name: string;
  engine: string; // the engine's figure with its unit, or '—'
  reference: string; // onnxruntime-node's (or the other model's) figure, or '—'
  ratio: string; // engine / reference where it means something
  target: string;
  status: 'ok' | 'below target' | 'skipped' | 'not measured yet' | 'info';
  note?: string;
  values?: Record<string, number>; // raw numbers for the JSON
}

export function printTable(rows: Row[]): string {
  const cols: (keyof Row)[] = ['part', 'name', 'engine', 'reference', 'ratio', 'target', 'status'];
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(width[i])).join('  ').trimEnd();
  const out = [line(cols as string[]), line(width.map((w) => '-'.repeat(w)))];
  for (let i = 0; i < rows.length; i++) {
    out.push(line(cells[i]));
    if (rows[i].note) out.push(`      ${rows[i].note}`);
  }
  return out.join('\n');
}

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
