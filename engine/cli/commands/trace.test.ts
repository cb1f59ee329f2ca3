// `hybridscope trace` then `info FILE --json`; `--out -` streams a trace that reads back whole; a
// damaged trace is one line naming the file, exit 2.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memorySource } from '../../io/files';
import { readTrace } from '../../trace/read';
import { main } from '../main';

const hybrid = new URL('../../../assets/models/hybrid', import.meta.url).pathname;

async function run(argv: string[]) {
  let stderr = '';
  const text: string[] = [];
  const bytes: Uint8Array[] = [];
  const code = await main(argv, {
    stdout: (d) => void (typeof d === 'string' ? text.push(d) : bytes.push(d.slice())),
    stderr: (t) => void (stderr += t),
  }, undefined, { fastKernels: false });
  const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  bytes.reduce((at, b) => (all.set(b, at), at + b.length), 0);
  return { code, stdout: text.join(''), bytes: all, stderr };
}

describe('hybridscope trace', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hs-trace-'));
  });

  it('writes a trace that info --json describes: model, layout, prompt length, records, answer, score', async () => {
    const out = join(work, 'run.hstrace');
    const r = await run(['trace', hybrid, '--entries', '12', '--format', 'bare', '--seed', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^wrote a trace of 8 layers, \d+ prompt tokens, \d+ bytes to .*run\.hstrace; answer /);
    const info = await run(['info', out, '--json']);
    expect(info.code, info.stderr).toBe(0);
    const j = JSON.parse(info.stdout);
    const t = await readTrace(memorySource('', { f: new Uint8Array(await readFile(out)) }), 'f');
    expect(j).toMatchObject({
      trace_version: 1, record_version: 1, model: 'hybrid', model_type: 'nemotron_h', layout: 'M-M*M-M-',
      prompt_tokens: t.header.prompt.ids.length, records: 8, blocks: 8, status: 'complete',
      answer: t.summary.generatedText, expected: t.summary.expected, exact: t.summary.exact, records_digest: t.summary.recordsDigest,
    });
    const sentence = await run(['info', out]);
    expect(sentence.stdout).toMatch(/run\.hstrace: trace of hybrid \(nemotron_h\), layout M-M\*M-M-, \d+ prompt tokens, 8 of 8 layer records, complete, answer /);
  });

  it('--out - streams the trace to stdout, and it reads back with the text prompt and layout asked for', async () => {
    const r = await run(['trace', hybrid, '--text', 'Alice Smith: 1234567890', '--layout', 'M*M', '--max-new-tokens', '3', '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/to stdout; answer/);
    const t = await readTrace(memorySource('', { stdout: r.bytes }), 'stdout');
    expect(t.header.layout).toBe('M*M');
    expect(t.records).toHaveLength(3);
    expect(t.header.prompt.phonebook).toBeUndefined();
    expect(t.tokens).toHaveLength(3);
  });

  it('refuses a damaged trace and bad prompt options in one line, exit 2', async () => {
    const out = join(work, 'cut.hstrace');
    const good = await run(['trace', hybrid, '--entries', '4', '--out', '-']);
    await writeFile(out, good.bytes.subarray(0, good.bytes.length - 10));
    const cut = await run(['info', out, '--json']);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(new RegExp(`^hybridscope: ${out}: truncated: .*\\n$`));
    const both = await run(['trace', hybrid, '--entries', '4', '--text', 'x', '--out', '-']);
    expect([both.code, both.stderr]).toEqual([2, 'hybridscope: trace: give one of --entries, --tokens or --text (got --entries, --text)\n']);
    const none = await run(['trace', hybrid, '--out', join(work, 'x')]);
    expect(none.stderr).toMatch(/^hybridscope: trace: give one of --entries, --tokens or --text\n$/);
  });

  it('streams a file beside the target and leaves an earlier trace untouched when the run fails', async () => {
    const dir = await mkdtemp(join(work, 'fail-'));
    const out = join(dir, 'run.hstrace');
    await writeFile(out, 'an earlier trace');
    const r = await run(['trace', hybrid, '--entries', '4', '--layout', 'M*Q', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hybridscope: .*\n$/);
    expect(await readFile(out, 'utf8')).toBe('an earlier trace');
    expect(await readdir(dir)).toEqual(['run.hstrace']);
  });
});
