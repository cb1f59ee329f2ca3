// What `hybridscope help`, `hybridscope help <command>` and `<command> --help` print, all from the
// command table (command.ts): the summary, the usage line, every flag with its default, an example.
import type { Command, Flag } from './command';

const HELP_FLAG = '-h, --help';

/** `--ids <ids.json>` for a required flag, `[--layout <S>]` for the rest: the one usage line. */
export function synopsis(c: Command): string {
  const flags = Object.entries(c.flags).map(([name, f]) => {
    const text = f.type === 'string' ? `--${name} <${f.value}>` : `--${name}`;
    return f.type === 'string' && 'required' in f ? text : `[${text}]`;
  });
  return ['hybridscope', c.name, ...c.args.map((a) => `<${a}>`), ...flags].join(' ');
}

function defaultOf(f: Flag): string {
  if (f.type === 'boolean') return 'default: off';
  if ('required' in f) return 'required';
  return `default: ${'default' in f ? f.default : f.absent}`;
}

/** Flag names padded to one column, each line ending with its default. */
function flagLines(c: Command): string[] {
  const left = Object.entries(c.flags).map(([name, f]) => (f.type === 'string' ? `--${name} <${f.value}>` : `--${name}`));
  const width = Math.max(HELP_FLAG.length, ...left.map((l) => l.length));
  const lines = Object.values(c.flags).map((f, i) => `  ${left[i].padEnd(width)}  ${f.help} (${defaultOf(f)})`);
  return [...lines, `  ${HELP_FLAG.padEnd(width)}  show this help`];
}

export function commandHelp(c: Command): string {
  return [
    `hybridscope ${c.name} — ${c.summary}`,
    '',
    `usage: ${synopsis(c)}`,
    '',
    'flags:',
    ...flagLines(c),
    '',
    c.examples.length > 1 ? 'examples:' : 'example:',
    ...c.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

export function overallHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'hybridscope — run and probe hybrid state-space / attention language models from Hugging Face folders',
    '',
    'usage: hybridscope <command> [flags]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'hybridscope help <command> (or hybridscope <command> --help): its flags, their defaults and an example',
    'hybridscope --version: the version',
    '`-` in place of a file reads standard input (--ids -) or writes standard output (--out -).',
    '',
  ].join('\n');
}
