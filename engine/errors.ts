// Errors the engine reports to people: one line, naming the file (or thing) and the problem.
// Hosts print them as `hybridscope: <file>: <problem>` without a stack trace.

/** Messages quote untrusted input (header values, layout strings): keep them one short line. */
const MAX_CHARS = 400;
function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ');
  return flat.length > MAX_CHARS ? `${flat.slice(0, MAX_CHARS)}…` : flat;
}

/** A checkpoint folder, file or tensor that cannot be used; `file` is the path as the FileSource knows it. */
export class CheckpointError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(oneLine(`${file}: ${problem}`));
    this.name = 'CheckpointError';
    this.file = file;
    this.problem = problem;
  }
}

/** A layout string or layout edit that the model cannot run (unknown char, missing kind, empty). */
export class LayoutError extends Error {
  readonly layout: string;
  /** The message without the layout, for a UI that shows the layout beside it. */
  readonly problem: string;
  constructor(layout: string, problem: string) {
    super(oneLine(`layout ${JSON.stringify(layout.length > 80 ? `${layout.slice(0, 80)}…` : layout)}: ${problem}`));
    this.name = 'LayoutError';
    this.layout = layout;
    this.problem = oneLine(problem);
  }
}

/** A request the engine cannot serve (ids out of range, positions past the end, ...). */
export class InputError extends Error {
  constructor(problem: string) {
    super(oneLine(problem));
    this.name = 'InputError';
  }
}
