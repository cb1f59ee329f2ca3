// The one CSV writer: sweep results (the CLI's --csv, engine/phonebook/results.ts) and every chart's
// data table (renderer/src/export/table.ts). Fields are quoted per RFC 4180 — one holding a comma, a
// quote, CR or LF goes in double quotes, its quotes doubled — and lines end in LF. Text a spreadsheet
// would run as a formula, starting with = + - @ tab or CR (a layout such as `-M*M` is one), gets a
// leading ' so it opens as the text it is (OWASP, "CSV Injection"). Numbers stay numbers: a negative
// number is no formula. Written here: no CSV library is a dependency, and these lines are all of it.

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number written as text (`-1.5`, `+2e-3`) is data, not a formula: left as it is. */
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** One field: empty for a missing value or a non-finite number. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' && FORMULA_START.test(v) && !PLAIN_NUMBER.test(v) ? `'${v}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows, the header row first, as CSV text ending with a newline. */
export function formatCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
