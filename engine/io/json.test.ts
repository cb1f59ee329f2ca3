import { describe, expect, it } from 'vitest';
import { parsePythonJson } from './json';

describe('parsePythonJson', () => {
  it('reads the non-finite floats of Python json.dumps and of transformers 5 configs', () => {
    expect(parsePythonJson('{"a": [0.0, Infinity, -Infinity], "s": "Infinity:NaN"}', 'c.json')).toEqual({ a: [0, Infinity, -Infinity], s: 'Infinity:NaN' });
    expect(parsePythonJson('{"limit": [0.0, {"__float__": "Infinity"}], "x": {"__float__": "-Infinity"}}', 'c.json')).toEqual({ limit: [0, Infinity], x: -Infinity });
    expect(Number.isNaN((parsePythonJson('[NaN]', 'c.json') as number[])[0])).toBe(true);
  });

  it('names the file when the JSON is broken', () => {
    expect(() => parsePythonJson('{"a": }', 'dir/config.json')).toThrow(/^dir\/config\.json: not valid JSON/);
  });
});
