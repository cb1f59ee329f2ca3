// A chart's data as a table (columns + rows), written as CSV (RFC 4180 quoting) or JSON.

export interface DataTable {
  columns: string[];
  rows: (string | number | boolean | null)[][];
  /** Context for the JSON form: model, layout, prompt spec, run id… */
  meta?: Record<string, unknown>;
}

export function toCsv(t: DataTable): string {
  const cell = (v: string | number | boolean | null) => {
    if (v === null) return '';
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export function toJson(t: DataTable): string {
  const records = t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
  return JSON.stringify({ ...(t.meta ? { meta: t.meta } : {}), data: records }, null, 1);
}
