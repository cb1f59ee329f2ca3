// Types of scripts/start.mjs (plain JavaScript, so `npm start` needs no compiler) for its test.
export interface StartOptions {
  /** node_modules/electron: its install.js, path.txt, dist/ and package.json. */
  electronDir?: string;
  /** Downloads the binary; resolves to null on success, else to why not (one line). */
  install?: (electronDir: string) => Promise<string | null>;
  /** Starts electron-vite with the binary; resolves to its exit code. */
  launch?: (binary: string, args: string[]) => Promise<number>;
  args?: string[];
  env?: Record<string, string | undefined>;
  nodeVersion?: string;
  stderr?: { write(text: string): unknown; isTTY?: boolean };
}
export function start(opts?: StartOptions): Promise<number>;
export function installedBinary(electronDir: string): string | null;
export function runElectronInstaller(electronDir: string): Promise<string | null>;
export function electronViteCommand(binary: string, args: string[]): { command: string; args: string[]; env: Record<string, string | undefined> };
