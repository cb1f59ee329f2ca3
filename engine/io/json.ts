// JSON as Python writes it: `json.dumps` emits bare Infinity / -Infinity / NaN (for example
// `time_step_limit: [0.0, Infinity]` in a saved config), which JSON.parse rejects, and transformers 5
// writes non-finite floats as {"__float__": "Infinity"}. Both come back as numbers.
import { CheckpointError } from '../errors';

const SENTINEL = '\u0000hybridscope-number:';

/** Parse JSON text, accepting Python's non-finite number literals outside strings. */
export function parsePythonJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text, revive);
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
    return JSON.parse(out, (key, value: unknown) =>
      typeof value === 'string' && value.startsWith(SENTINEL) ? Number(value.slice(SENTINEL.length)) : revive(key, value),
    );
  } catch (e) {
    throw new CheckpointError(file, `not valid JSON (${(e as Error).message})`);
  }
}

/** {"__float__": "Infinity" | "-Infinity" | "NaN"} → the number (transformers 5 config serialisation). */
function revive(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const f = (value as Record<string, unknown>).__float__;
    if (keys.length === 1 && typeof f === 'string' && /^(-?Infinity|NaN)$/.test(f)) return Number(f);
  }
  return value;
}
