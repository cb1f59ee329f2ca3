// JSON as Python writes it: `json.dumps` emits bare Infinity / -Infinity / NaN (for example
// `time_step_limit: [0.0, Infinity]` in a saved config), which JSON.parse rejects.
import { CheckpointError } from '../errors';

const SENTINEL = '\u0000hybridscope-number:';

/** Parse JSON text, accepting Python's non-finite number literals outside strings. */
export function parsePythonJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the tolerant path
  }
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      // copy a whole string literal, honouring escapes
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    if (m) {
      out += JSON.stringify(SENTINEL + m[1]);
      i += m[1].length;
      continue;
    }
    out += ch;
    i++;
  }
  try {
    return JSON.parse(out, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(SENTINEL) ? Number(value.slice(SENTINEL.length)) : value,
    );
  } catch (e) {
    throw new CheckpointError(file, `not valid JSON (${(e as Error).message})`);
  }
}
