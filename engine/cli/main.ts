// The `hybridscope` CLI (Node host of the engine). Commands live one per file in commands/ and are
// registered in COMMANDS; errors print one line `hybridscope: <file>: <problem>` and exit 2.
import { parseArgs } from 'node:util';
import { setMemoryBudget } from '../io/memory';
import { availableMemory } from './available-memory';
import type { CliIO, Command } from './command';
import { UsageError } from './command';
import { forwardCommand } from './commands/forward';
import { generateCommand } from './commands/generate';
import { info } from './commands/info';
import { phonebookCommand } from './commands/phonebook';
import { installFastKernels } from '../kernels/install';

export const COMMANDS: Command[] = [info, forwardCommand, generateCommand, phonebookCommand];

const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

export interface MainOptions {
  /** Install the WASM SIMD kernels before computing commands (default true). */
  fastKernels?: boolean;
}

export async function main(argv: string[], io: CliIO = processIO, commands: Command[] = COMMANDS, opts: MainOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  const help = () => `usage: hybridscope <command>\n${commands.map((c) => `  hybridscope ${c.usage}`).join('\n')}\n`;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    // asked for: stdout and 0; no command at all is a bad command line: stderr and 2
    if (name) io.stdout(help());
    else io.stderr(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`hybridscope: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')}; see hybridscope help)\n`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message}`);
    }
    if ((opts.fastKernels ?? true) && command.name !== 'info') installFastKernels();
    // Models and prompts that would not fit in available memory are refused with the bytes, not an OOM.
    setMemoryBudget(() => availableMemory());
    return await command.run({ positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | undefined> }, io);
  } catch (e) {
    io.stderr(`hybridscope: ${oneLine(e)}\n`);
    return 2;
  }
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].trim() || (e instanceof Error ? e.name : 'error');
}
