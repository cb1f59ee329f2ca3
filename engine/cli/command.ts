// The CLI's command table entry. One file per command under commands/, registered in main.ts. A
// command's file is the one source of what it is: its summary, its flags (each with what it does and
// its default, which parseArgs applies and --help prints), an example and the code; main.ts parses
// and checks the command line from that table, help.ts prints it. Commands write through `io` so
// tests can run them.

export interface CliIO {
  /** Text, or the bytes of a file written to standard output (`--out -`). */
  stdout(data: string | Uint8Array): void;
  stderr(text: string): void;
  /** All of standard input, for `-` in place of an input file (`--ids -`). */
  stdin?(): Promise<Uint8Array>;
  /** Whether stderr is a terminal: a redrawn progress bar only then (clig.dev). */
  stderrIsTTY?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

interface FlagBase {
  /** What the flag does, one line of --help. */
  help: string;
}

/** A flag and its default. A string flag has a default value (applied when the flag is absent), or
 *  says what its absence means, or is required; a boolean flag is off unless given. */
export type Flag =
  | (FlagBase & { type: 'boolean' })
  | (FlagBase & { type: 'string'; /** the value's name in usage lines */ value: string } & (
      | { default: string }
      | { absent: string }
      | { required: true }
    ));

export interface Command {
  name: string;
  /** One line: what the command does, shown by `hybridscope help`. */
  summary: string;
  /** Positional arguments, in order, each required: `['model-dir']` prints `<model-dir>`. */
  args: string[];
  flags: Record<string, Flag>;
  /** Complete command lines that work from the repository root. */
  examples: string[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** A bad command line: reported as `hybridscope: <problem>` with exit code 2. */
export class UsageError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'UsageError';
  }
}
