// A chart's data as a table (columns + rows), written as CSV (the engine's one writer: RFC 4180
// quoting, formulas escaped) or JSON.
import { formatCsv } from '../../../engine';

export interface DataTable {
  columns: string[];
  rows: (string | number | boolean | null)[][];
  /** Context for the JSON form: model, layout, prompt spec, run id… */
  meta?: Record<string, unknown>;
}

export function toCsv(t: DataTable): string {
  return formatCsv([t.columns, ...t.rows]);
}

export function toJson(t: DataTable): string {
  const records = t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
  return JSON.stringify({ ...(t.meta ? { meta: t.meta } : {}), data: records }, null, 1);
}
