// The CLI's command table entry. One file per command under commands/, registered in main.ts;
// a command parses its own options (node:util parseArgs) and writes through `io` so tests can run it.
import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export interface Command {
  name: string;
  /** One line shown by `hybridscope help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** A bad command line: reported as `hybridscope: <problem>` with exit code 2. */
export class UsageError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'UsageError';
  }
}
