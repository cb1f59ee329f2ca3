// Errors the engine reports to people: one line, naming the file (or thing) and the problem.
// Hosts print them as `hybridscope: <file>: <problem>` without a stack trace.

/** A checkpoint folder, file or tensor that cannot be used; `file` is the path as the FileSource knows it. */
export class CheckpointError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`.replace(/\s*\n\s*/g, ' '));
    this.name = 'CheckpointError';
    this.file = file;
    this.problem = problem;
  }
}

/** A layout string or layout edit that the model cannot run (unknown char, missing kind, empty). */
export class LayoutError extends Error {
  readonly layout: string;
  constructor(layout: string, problem: string) {
    super(`layout "${layout}": ${problem}`);
    this.name = 'LayoutError';
    this.layout = layout;
  }
}

/** A request the engine cannot serve (ids out of range, positions past the end, ...). */
export class InputError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'InputError';
  }
}
