// Autosave of the working session (model, layout, prompt spec, results summary), so a crash or a
// forced quit loses nothing: every change is written — debounced — through an injected atomic store
// (Electron: temp file + rename in the user data folder; web: localStorage), together with a flag
// saying whether the app is still running. `recover()` at the next start returns the last session
// when that flag is still set, i.e. the app did not shut down cleanly; a clean shutdown clears it.
import type { ModelRef, PromptSpec, RunSummary } from './protocol';

export const AUTOSAVE_KEY = 'hybridscope-session.json';
const FORMAT = 'hybridscope-autosave';
const VERSION = 1;

/** What the session holds that a person would not want to redo. Small: no arrays of records. */
export interface Session {
  model: { ref: ModelRef; name: string } | null;
  /** The layout being explored, as a run takes it (a layout string; sessions saved before indexed layouts
   *  may hold original block indices), undefined = the checkpoint's own. */
  layout?: string | number[];
  prompt?: PromptSpec;
  /** The last run's outcome, as the answer panel shows it. */
  results?: Pick<RunSummary, 'layout' | 'generatedText' | 'expected' | 'exact' | 'digitAccuracy' | 'retrieved' | 'promptTokens'>;
}

export interface AutosaveStore {
  /** The stored text, or null when there is none. */
  read(key: string): Promise<string | null>;
  /** Replace the stored text so that a crash leaves the old text or the new one, never a mix. */
  writeAtomic(key: string, text: string): Promise<void>;
}

export interface AutosaveTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Stored {
  format: typeof FORMAT;
  version: number;
  /** True from start until a clean shutdown: still true at the next start means a crash. */
  running: boolean;
  savedAt: number;
  session: Session | null;
}

export interface AutosaveOptions {
  store: AutosaveStore;
  timers: AutosaveTimers;
  /** Quiet time before a change is written (default 1 s). */
  debounceMs?: number;
  /** A write failed (disk full, quota): the app shows it; autosave keeps trying on later changes. */
  onError?(message: string): void;
}

function parse(text: string | null): Stored | null {
  if (!text) return null;
  try {
    const s = JSON.parse(text) as Partial<Stored>;
    if (s?.format !== FORMAT || s.version !== VERSION || typeof s.running !== 'boolean') return null;
    const session = s.session;
    if (session !== null && (typeof session !== 'object' || Array.isArray(session) || !('model' in session))) return null;
    return s as Stored;
  } catch {
    return null; // a torn or foreign file is no session to offer, not an error to show
  }
}

export class Autosave {
  private session: Session | null = null;
  private timer: unknown = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;

  constructor(private readonly opts: AutosaveOptions) {
    this.debounceMs = opts.debounceMs ?? 1000;
  }

  /**
   * Call once at start-up. Returns the last session if the previous run of the app did not shut down
   * cleanly (crash, forced quit, killed tab), else null; then marks this run as running.
   */
  async recover(): Promise<Session | null> {
    const previous = parse(await this.opts.store.read(AUTOSAVE_KEY).catch(() => null));
    const offered = previous?.running && previous.session ? previous.session : null;
    // Keep the unclean session on disk until the user has a new one, so a second crash still offers it.
    this.session = offered;
    await this.write(true);
    return offered;
  }

  /** The session changed: written after `debounceMs` of quiet. */
  update(session: Session): void {
    this.session = session;
    if (this.timer !== null) this.opts.timers.clearTimeout(this.timer);
    this.timer = this.opts.timers.setTimeout(() => {
      this.timer = null;
      void this.write(true);
    }, this.debounceMs);
  }

  /** Write a pending change now (before a risky action, or when the page is hidden). */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.opts.timers.clearTimeout(this.timer);
      this.timer = null;
      await this.write(true);
    }
    await this.writing;
  }

  /** A clean shutdown: the session is kept (for reference) but will not be offered at the next start. */
  async shutdown(): Promise<void> {
    if (this.timer !== null) this.opts.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.write(false);
  }

  /** Writes run one after another, so the last one written is the newest state. */
  private write(running: boolean): Promise<void> {
    const stored: Stored = { format: FORMAT, version: VERSION, running, savedAt: this.opts.timers.now(), session: this.session };
    const text = JSON.stringify(stored);
    this.writing = this.writing.then(() => this.opts.store.writeAtomic(AUTOSAVE_KEY, text)).catch((e: unknown) => {
      this.opts.onError?.(`autosave failed: ${e instanceof Error ? e.message : String(e)}`.split('\n')[0]);
    });
    return this.writing;
  }
}
