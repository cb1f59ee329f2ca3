// The CLI's conventions (clig.dev): --version, help for every command from its one table (summary,
// usage, every flag with its default, an example that works), asked-for help on stdout with exit 0.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main, parseCommandLine } from './main';

async function run(argv: string[]) {
  let stdout = '', stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, undefined, { fastKernels: false });
  return { code, stdout, stderr };
}

describe('hybridscope help and --version', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `hybridscope ${version}\n`, stderr: '' });
  });

  it('help lists every command with its summary, on stdout; no command at all is an error on stderr', async () => {
    const asked = await run(['help']);
    expect(asked.code).toBe(0);
    const lines = asked.stdout.split('\n');
    for (const c of COMMANDS) expect(lines.some((l) => l.startsWith(`  ${c.name} `) && l.endsWith(`  ${c.summary}`)), c.name).toBe(true);
    expect((await run(['--help'])).stdout).toBe(asked.stdout);
    const none = await run([]);
    expect(none).toEqual({ code: 2, stdout: '', stderr: asked.stdout });
  });

  it.each(COMMANDS.map((c) => [c.name]))('%s: help <command>, --help and -h print its usage, every flag with its default, an example', async (name) => {
    const c = COMMANDS.find((x) => x.name === name)!;
    const help = await run(['help', name]);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain(`hybridscope ${name} — ${c.summary}`);
    expect(help.stdout).toMatch(new RegExp(`\\nusage: hybridscope ${name} <${c.args[0]}`));
    for (const flag of Object.keys(c.flags)) {
      const line = help.stdout.split('\n').find((l) => l.startsWith(`  --${flag} `) || l === `  --${flag}`);
      expect(line, `--${flag}`).toMatch(/\((default: .+|required)\)$/);
    }
    expect(help.stdout).toMatch(/\nexamples?:\n {2}\S*.*hybridscope /);
    // --help wins over everything else on the line, even a line that would not parse
    expect(await run([name, '--help'])).toEqual(help);
    expect(await run([name, 'a', 'b', '--bogus', '-h'])).toEqual(help);
  });

  it('every example parses against its command and names files that exist (trace files are what trace or the capture package writes)', () => {
    for (const c of COMMANDS) {
      for (const example of c.examples) {
        const words = example.replace(/^.*\| /, '').split(/\s+/);
        expect(words.slice(0, 2)).toEqual(['hybridscope', c.name]);
        const { positionals, values } = parseCommandLine(c, words.slice(2));
        for (const p of positionals) if (!p.endsWith('.hstrace')) expect(existsSync(p), example).toBe(true);
        if (typeof values.ids === 'string' && values.ids !== '-') expect(existsSync(values.ids), example).toBe(true);
      }
    }
  });

  it('applies defaults from the table, and names what is missing or unknown in one line, exit 2', async () => {
    const phonebook = COMMANDS.find((c) => c.name === 'phonebook')!;
    expect(parseCommandLine(phonebook, ['dir', '--entries', '3']).values).toMatchObject({ samples: '20', seed: '0', shots: '2', format: 'question', variant: 'standard' });
    const cases: [string[], RegExp][] = [
      [['help', 'frobnicate'], /^hybridscope: unknown command "frobnicate"/],
      [['forward', 'dir', '--ids', 'x.json'], /^hybridscope: forward: --out is required \(usage: hybridscope forward <model-dir> --ids <ids\.json> --out/],
      [['info', 'a', 'b'], /^hybridscope: info: expected <model-dir\|trace>, got 2 argument\(s\)/],
      [['info', 'dir', '--jsn'], /^hybridscope: info: Unknown option '--jsn'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
