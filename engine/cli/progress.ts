// Progress of a long command on stderr, as clig.dev asks: a bar redrawn in place only when stderr is
// a terminal; otherwise (a log file, a pipe, CI) a plain line every LINE_EVERY_MS and one at the end,
// never carriage returns; nothing at all with --quiet. Other stderr lines go through `note`, so they
// start on a line of their own.
import type { CliIO } from './command';

export interface ProgressStep {
  done: number;
  total: number;
  elapsedMs: number;
  etaMs: number;
  /** What is being worked on, e.g. `40 entries`. */
  label: string;
}

export interface Progress {
  update(p: ProgressStep): void;
  note(line: string): void;
  end(): void;
}

const BAR_EVERY_MS = 100;
const LINE_EVERY_MS = 10_000;
const WIDTH = 30;

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const percent = (p: ProgressStep) => Math.floor((100 * p.done) / p.total);

/** `name` and `unit` make the plain lines read `phonebook: 12/60 samples …`. */
export function progress(io: CliIO, opts: { name: string; unit: string; quiet: boolean }): Progress {
  if (opts.quiet) return { update: () => {}, note: (line) => io.stderr(`${line}\n`), end: () => {} };
  return io.stderrIsTTY ? bar(io) : lines(io, `${opts.name}: `, ` ${opts.unit}`);
}

/** `[#####.....] 12/60  20%  ETA 0:35  (40 entries)`, redrawn in place, at most every 100 ms. */
function bar(io: CliIO): Progress {
  let last = -Infinity;
  let open = false; // the bar's line is on screen without its newline
  const end = () => {
    if (open) io.stderr('\n');
    open = false;
  };
  return {
    update(p) {
      if (p.done < p.total && p.elapsedMs - last < BAR_EVERY_MS) return;
      last = p.elapsedMs;
      const filled = Math.round((p.done / p.total) * WIDTH);
      io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${p.done}/${p.total} ${String(percent(p)).padStart(3)}%  ETA ${clock(p.etaMs)}  (${p.label})`);
      open = true;
    },
    note(line) {
      end();
      io.stderr(`${line}\n`);
    },
    end,
  };
}

/** `phonebook: 12/60 samples (20%), 0:10 so far, ETA 0:35 (40 entries)` every 10 s, and
 *  `phonebook: 60/60 samples (100%) in 0:45 (100 entries)` when done. */
function lines(io: CliIO, prefix: string, unit: string): Progress {
  let last = 0;
  return {
    update(p) {
      if (p.done < p.total && p.elapsedMs - last < LINE_EVERY_MS) return;
      last = p.elapsedMs;
      const time = p.done < p.total ? `, ${clock(p.elapsedMs)} so far, ETA ${clock(p.etaMs)}` : ` in ${clock(p.elapsedMs)}`;
      io.stderr(`${prefix}${p.done}/${p.total}${unit} (${percent(p)}%)${time} (${p.label})\n`);
    },
    note: (line) => io.stderr(`${line}\n`),
    end: () => {},
  };
}
