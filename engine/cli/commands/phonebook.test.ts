// End to end: `hybridscope phonebook` on a small random-weight checkpoint written here with the
// shipped tokenizer. Accuracy is ~0 on random weights; the test asserts structure, determinism,
// progress and cancellation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../io/safetensors-write';
import { tinyTensors, TINY_CONFIGS } from '../../test/tiny';
import { main } from '../main';
import { phonebookCommand } from './phonebook';

const tokenizerJson = readFileSync('assets/tokenizer/tokenizer.json', 'utf8');
const vocab = Object.keys(JSON.parse(tokenizerJson).model.vocab).length;
const root = mkdtempSync(join(tmpdir(), 'hs-phonebook-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function checkpoint(withTokenizer = true): string {
  return write(mkdtempSync(join(root, 'tiny-')), { ...TINY_CONFIGS.nemotron_h, vocab_size: vocab }, withTokenizer);
}

function write(dir: string, config: Record<string, unknown>, withTokenizer: boolean): string {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tinyTensors(config, { seed: 3 })));
  if (withTokenizer) writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson);
  return dir;
}

async function run(argv: string[], opts: { tty?: boolean; stdin?: string; onStderr?: (text: string) => void } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => {
      stderr += t;
      opts.onStderr?.(t);
    },
    stderrIsTTY: opts.tty ?? false,
    stdin: async () => new TextEncoder().encode(opts.stdin ?? ''),
  }, [phonebookCommand]);
  return { code, stdout, stderr };
}

describe('hybridscope phonebook', () => {
  const dir = checkpoint();

  it('prints the documented JSON, the same on every run, with plain progress lines on a stderr that is no terminal', async () => {
    const argv = ['phonebook', dir, '--entries', '3,6,10', '--samples', '4', '--seed', '7', '--format', 'bare', '--json'];
    const a = await run(argv);
    expect(a.code).toBe(0);
    const report = JSON.parse(a.stdout);
    expect(report).toMatchObject({ model: dir, layout: 'M-M*-M', variant: 'standard', format: 'bare', seed: 7, cancelled: false });
    expect(report.results.map((r: { entries: number; samples: number }) => [r.entries, r.samples])).toEqual([[3, 4], [6, 4], [10, 4]]);
    for (const r of report.results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['entries', 'mean_tokens', 'samples', 'accuracy', 'digit_accuracy', 'wrong_other_entry', 'wrong_same_name']));
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(r.digit_accuracy).toBeGreaterThanOrEqual(0);
      expect(r.digit_accuracy).toBeLessThanOrEqual(1);
    }
    expect(report.results[0].mean_tokens).toBeLessThan(report.results[2].mean_tokens);
    expect(a.stderr).toMatch(/^phonebook: 12\/12 samples \(100%\) in 0:\d\d \(10 entries\)\n$/);
    expect(a.stderr).not.toContain('\r');
    expect((await run(argv)).stdout).toBe(a.stdout);
  });

  it('draws a bar in place only on a terminal, and nothing with --quiet', async () => {
    const argv = ['phonebook', dir, '--entries', '3,6', '--samples', '2', '--seed', '7', '--json'];
    const tty = await run(argv, { tty: true });
    expect(tty.stderr).toMatch(/^\r\[#+\.*\] \d\/4 /);
    expect(tty.stderr).toMatch(/\r\[#{30}\] 4\/4 100% {2}ETA 0:00 {2}\(6 entries\)\n$/);
    for (const opts of [{ tty: true }, { tty: false }]) {
      const quiet = await run([...argv, '--quiet'], opts);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toBe(tty.stdout);
    }
  });

  it('--out - puts every sample on stdout and the summary on stderr', async () => {
    const r = await run(['phonebook', dir, '--entries', '3', '--samples', '2', '--seed', '5', '--out', '-', '--quiet']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).samples).toHaveLength(2);
    expect(r.stderr).toMatch(/^.* M-M\*-M question\/standard seed 5\nbudget\tentries/);
    const both = await run(['phonebook', dir, '--entries', '3', '--out', '-', '--json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--out - puts every sample on stdout/);
  });

  it('runs an edited layout, the reversed question format at a depth, and writes CSV', async () => {
    const r = await run(['phonebook', dir, '--layout', 'M*M', '--entries', '5', '--variant', 'reversed', '--format', 'question', '--depth', '100', '--samples', '2', '--seed', '1', '--csv']);
    expect(r.code).toBe(0);
    const [head, row, end] = r.stdout.split('\n');
    expect(head).toBe('model,layout,format,variant,entries,tokens,depth,samples,mean_entries,mean_tokens,accuracy,digit_accuracy,wrong_digit_accuracy,wrong_other_entry,wrong_same_name');
    expect(row.split(',').slice(1, 9)).toEqual(['M*M', 'question', 'reversed', '5', '', '1', '2', '5']);
    expect(end).toBe('');
  });

  it('sweeps several depths and writes every sample with --out', async () => {
    const out = join(root, 'all.json');
    const r = await run(['phonebook', dir, '--entries', '4,7', '--depth', '0,100%', '--samples', '2', '--seed', '5', '--json', '--out', out]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.depth).toBeNull();
    expect(report.results.map((x: { entries: number; depth: number }) => [x.entries, x.depth])).toEqual([[4, 0], [4, 1], [7, 0], [7, 1]]);
    const all = JSON.parse(readFileSync(out, 'utf8'));
    expect(all.samples).toHaveLength(8);
    for (const s of all.samples) {
      expect(s.target).toBe(s.depth === 0 ? 0 : s.entries - 1);
      expect(s.logprobs.length).toBe(s.generatedIds.length);
      expect(s.logprobs.every((l: number) => l <= 0)).toBe(true);
      expect(s.answer).toMatch(/^\d{3}-\d{3}-\d{4}$/);
    }
  });

  it('--names - reads the names list from stdin', async () => {
    const argv = ['phonebook', dir, '--entries', '3', '--samples', '1', '--seed', '4', '--names', '-', '--out', '-', '--quiet'];
    const names = JSON.stringify({ first: ['Ada', 'Alan', 'Grace'], last: ['Lovelace', 'Turing', 'Hopper'] });
    const file = join(root, 'names.json');
    writeFileSync(file, names);
    // every sample (the timing aside): from stdin as from the file, unlike the shipped list's
    const samples = async (args: string[], stdin?: string) => JSON.parse((await run(args, { stdin })).stdout).samples;
    const piped = await samples(argv, names);
    expect(piped).toEqual(await samples(argv.map((a, i) => (argv[i - 1] === '--names' ? file : a))));
    expect(piped).not.toEqual(await samples(argv.filter((a, i) => a !== '--names' && argv[i - 1] !== '--names')));
    const bad = await run(argv, { stdin: '{"first": []}' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('hybridscope: stdin: names: "first" must be a non-empty array\n');
  });

  it('fits token budgets with the model tokenizer', async () => {
    const r = await run(['phonebook', dir, '--tokens', '200,400', '--samples', '2', '--seed', '2', '--json']);
    const report = JSON.parse(r.stdout);
    for (const [i, budget] of [200, 400].entries()) {
      expect(report.results[i].tokens).toBe(budget);
      expect(report.results[i].mean_tokens).toBeLessThanOrEqual(budget);
      expect(report.results[i].mean_tokens).toBeGreaterThan(budget - 40);
    }
  });

  it('stops on Ctrl-C after the current sample and prints the partial results', async () => {
    let sent = false;
    const r = await run(['phonebook', dir, '--entries', '3,6', '--samples', '5', '--seed', '7', '--json'], {
      tty: true,
      onStderr: (text) => {
        if (!sent && text.includes('1/10')) {
          sent = true;
          process.emit('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    const report = JSON.parse(r.stdout);
    expect(report.cancelled).toBe(true);
    expect(report.results).toEqual([expect.objectContaining({ entries: 3, samples: 1 })]);
    expect(r.stderr).toMatch(/cancelled after 1 of 10 samples/);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('fails with one line and exit 2 on bad input', async () => {
    const noTok = checkpoint(false);
    const cases: [string[], RegExp][] = [
      [['phonebook', join(root, 'nowhere'), '--entries', '3'], /nowhere: no such folder/],
      [['phonebook', dir, '--entries', '3,x'], /--entries must be positive integers/],
      [['phonebook', dir], /give --entries or --tokens/],
      [['phonebook', dir, '--entries', '3', '--format', 'mcq'], /--format must be bare or question/],
      [['phonebook', dir, '--entries', '3', '--depth', '150'], /--depth must be percentages/],
      [['phonebook', dir, '--entries', '3', '--depth', '10,'], /--depth must be percentages/],
      [['phonebook', dir, '--entries', '3', '--layout', 'MMMMX'], /layout/],
      [['phonebook', dir, '--entries', '3', '--names', join(root, 'none.json')], /none\.json: no such file/],
      [['phonebook', noTok, '--entries', '3'], /tokenizer\.json: missing/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^hybridscope: /);
    }
  });
});
