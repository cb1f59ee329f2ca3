// The `hybridscope` CLI (Node host of the engine). Commands live one per file in commands/ and are
// registered in COMMANDS; errors print one line `hybridscope: <file>: <problem>` and exit 2.
// bin/hybridscope.mjs is this file compiled (scripts/build-cli.mjs), run by `npx hybridscope`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { version } from '../../package.json';
import { setMemoryBudget } from '../io/memory';
import { availableMemory } from './available-memory';
import type { CliIO, Command, ParsedArgs } from './command';
import { UsageError } from './command';
import { agreeCommand } from './commands/agree';
import { forwardCommand } from './commands/forward';
import { generateCommand } from './commands/generate';
import { info } from './commands/info';
import { phonebookCommand } from './commands/phonebook';
import { traceCommand } from './commands/trace';
import { commandHelp, overallHelp, synopsis } from './help';
import { installFastKernels } from '../kernels/install';
import type { HelperPort } from '../kernels/wasm/threads';

export const COMMANDS: Command[] = [info, forwardCommand, generateCommand, phonebookCommand, traceCommand, agreeCommand];

const processIO: CliIO = {
  stdout: (data) => void process.stdout.write(data),
  stderr: (t) => void process.stderr.write(t),
  async stdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  },
  stderrIsTTY: process.stderr.isTTY === true,
};

export interface MainOptions {
  /** Install the WASM SIMD kernels before computing commands (default true). */
  fastKernels?: boolean;
  /** Their second thread's worker factory (bin.ts: node-helper.ts); one thread without it. */
  spawnHelper?: () => HelperPort;
}

export async function main(argv: string[], io: CliIO = processIO, commands: Command[] = COMMANDS, opts: MainOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  const find = (n: string) => commands.find((c) => c.name === n);
  const unknown = (n: string) => {
    io.stderr(`hybridscope: unknown command "${n}" (commands: ${commands.map((c) => c.name).join(', ')}; see hybridscope help)\n`);
    return 2;
  };
  if (name === '--version') {
    io.stdout(`hybridscope ${version}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    // asked for: stdout and 0; no command at all is a bad command line: stderr and 2
    if (!name) {
      io.stderr(overallHelp(commands));
      return 2;
    }
    io.stdout(overallHelp(commands));
    return 0;
  }
  if (name === 'help') {
    const command = find(rest[0]);
    if (!command) return unknown(rest[0]);
    io.stdout(commandHelp(command));
    return 0;
  }
  const command = find(name);
  if (!command) return unknown(name);
  const beforeEnd = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeEnd.includes('--help') || beforeEnd.includes('-h')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  try {
    const args = parseCommandLine(command, rest);
    if ((opts.fastKernels ?? true) && command.name !== 'info') installFastKernels(undefined, opts.spawnHelper);
    // Models and prompts that would not fit in available memory are refused with the bytes, not an OOM.
    setMemoryBudget(() => availableMemory());
    return await command.run(args, io);
  } catch (e) {
    io.stderr(`hybridscope: ${oneLine(e)}\n`);
    return 2;
  }
}

/** The command line checked against the command's table: known flags, the positionals it takes,
 *  required flags present; absent flags get their defaults. */
export function parseCommandLine(c: Command, rest: string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [flag, f] of Object.entries(c.flags)) {
    options[flag] = f.type === 'string' && 'default' in f ? { type: 'string', default: f.default } : { type: f.type };
  }
  const usage = `usage: ${synopsis(c)}`;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${c.name}: ${(e as Error).message.split('\n')[0]} (${usage})`);
  }
  if (parsed.positionals.length !== c.args.length) {
    throw new UsageError(`${c.name}: expected ${c.args.map((a) => `<${a}>`).join(' ')}, got ${parsed.positionals.length} argument(s) (${usage})`);
  }
  const missing = Object.entries(c.flags).find(([flag, f]) => f.type === 'string' && 'required' in f && parsed.values[flag] === undefined);
  if (missing) throw new UsageError(`${c.name}: --${missing[0]} is required (${usage})`);
  return { positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | undefined> };
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].trim() || (e instanceof Error ? e.name : 'error');
}
