// Spawns the engine host (the utility process of hosts/utility-process.ts), connects it to the window
// with a MessageChannelMain (so tensor bytes go process to process, never through main), and
// supervises it: when it exits, crashes or stops answering the watchdog's heartbeats the window is
// told, the host restarts (backing off when it keeps dying), folders granted before are granted
// again, and the window gets a new port.
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { randomUUID } from 'node:crypto';
import { CHANNELS, type EngineHostStatus } from '../app/desktop-api';
import { HOST_PING, HOST_PONG, isHeartbeat, Watchdog } from '../app/watchdog';

const MAX_RESTARTS_PER_MINUTE = 5;

export class EngineSupervisor {
  private child: UtilityProcess | null = null;
  private ready = false;
  private stopping = false;
  private readonly grants = new Map<string, string>();
  private restarts: number[] = [];
  /** Set when the watchdog killed a host that stopped answering its heartbeats (alive but wedged). */
  private hung: string | null = null;

  constructor(
    private readonly entry: string,
    private readonly modelsDir: string,
    private readonly window: () => WebContents | null,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.ready = false;
    const child = utilityProcess.fork(this.entry, ['--models', this.modelsDir], { serviceName: 'HybridScope engine', stdio: 'inherit' });
    this.child = child;
    this.hung = null;
    const dog = new Watchdog({
      timers: { now: () => Date.now(), setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) },
      ping: () => child.postMessage(HOST_PING),
      onHung: (message) => {
        this.hung = message;
        child.kill();
      },
    });
    child.on('message', (m: unknown) => {
      if (isHeartbeat(m, HOST_PONG)) dog.heard();
    });
    child.on('spawn', () => {
      this.ready = true;
      dog.start();
      for (const [token, path] of this.grants) child.postMessage({ type: 'grant', token, path });
      this.connect();
    });
    child.on('exit', (code) => {
      dog.stop();
      if (this.child !== child) return;
      this.child = null;
      this.ready = false;
      if (this.stopping) return;
      this.onExit(code);
    });
  }

  /** Gives the window a fresh port to the host (on each page load and after every restart). */
  connect(): void {
    const wc = this.window();
    if (!this.child || !this.ready || !wc || wc.isDestroyed()) return;
    const { port1, port2 } = new MessageChannelMain();
    this.child.postMessage({ type: 'port' }, [port1]);
    wc.postMessage(CHANNELS.enginePort, null, [port2]);
  }

  /** Lets the host read a folder the user picked; the page refers to it by the returned token. */
  grant(path: string): string {
    const token = randomUUID();
    this.grants.set(token, path);
    this.child?.postMessage({ type: 'grant', token, path });
    return token;
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill();
  }

  private onExit(code: number): void {
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < 60_000), now];
    const giveUp = this.restarts.length > MAX_RESTARTS_PER_MINUTE;
    this.notify({
      status: 'crashed',
      message: giveUp
        ? `the engine stopped (exit code ${code}) ${this.restarts.length} times in a minute; restart HybridScope`
        : this.hung ?? `the engine stopped (exit code ${code}); restarting it — your saved work is safe`,
    });
    if (!giveUp) setTimeout(() => this.start(), 250 * this.restarts.length);
  }

  private notify(status: EngineHostStatus): void {
    const wc = this.window();
    if (wc && !wc.isDestroyed()) wc.send(CHANNELS.engineStatus, status);
  }
}
