// `npm start`: the desktop app in development (electron-vite dev), once Electron's binary is there.
// Electron 45 no longer downloads its binary when it is installed, and electron-vite only reads
// node_modules/electron/path.txt, stopping with "Electron uninstall" when it is missing. So the first
// start runs Electron's own installer (its install.js, the `install-electron` bin); where that cannot
// work (offline, a blocked download, an old Node) it says so in one line, points at `npm run web`
// (the same explorer in a browser) and exits 1. ELECTRON_EXEC_PATH, which electron-vite honours,
// names a binary installed elsewhere and skips the download.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// Electron's installer (@electron/get) declares this Node in its engines.
const INSTALLER_NODE = [22, 12];

/** The binary the installer left (dist/ + the name in path.txt), or null. */
export function installedBinary(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Runs Electron's installer; resolves to null when it succeeded, else to why not, in one line
 *  (the installer prints a stack trace: its first line names the error). */
export function runElectronInstaller(electronDir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (e) => resolve(e.message));
    child.on('close', (code) => {
      const first = stderr.split('\n').map((l) => l.trim()).find(Boolean);
      resolve(code === 0 ? null : (first ?? `the installer exited with code ${code}`));
    });
  });
}

/** How electron-vite's start is run: its bin, `dev`, the binary in ELECTRON_EXEC_PATH. */
export function electronViteCommand(binary, args) {
  const dir = dirname(require.resolve('electron-vite/package.json'));
  const bin = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).bin['electron-vite'];
  return { command: process.execPath, args: [join(dir, bin), 'dev', ...args], env: { ...process.env, ELECTRON_EXEC_PATH: binary } };
}

function runElectronVite(binary, args) {
  const { command, args: argv, env } = electronViteCommand(binary, args);
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: 'inherit', env });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function tooOld(version) {
  const [major, minor] = version.split('.').map(Number);
  return major < INSTALLER_NODE[0] || (major === INSTALLER_NODE[0] && minor < INSTALLER_NODE[1]);
}

/** Makes sure of the binary, then starts electron-vite; resolves to the exit code. Every step
 *  is injectable so a test can fake the download and the start. */
export async function start({
  electronDir = dirname(require.resolve('electron/package.json')),
  install = runElectronInstaller,
  launch = runElectronVite,
  args = [],
  env = process.env,
  nodeVersion = process.versions.node,
  stderr = process.stderr,
} = {}) {
  let binary = env.ELECTRON_EXEC_PATH || installedBinary(electronDir);
  if (!binary) {
    const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
    // a status on a terminal while the download runs (~100 MB), erased after it so that a failure
    // leaves its one line alone
    if (stderr.isTTY) stderr.write(`npm start: downloading the Electron ${version} binary (first start only)…`);
    const failure = await install(electronDir);
    if (stderr.isTTY) stderr.write('\r\x1b[K');
    binary = failure ? null : installedBinary(electronDir);
    if (!binary) {
      const node = tooOld(nodeVersion) ? `; the installer needs Node ≥ ${INSTALLER_NODE.join('.')}, this is ${nodeVersion}` : '';
      const why = failure ?? 'the installer left no binary';
      stderr.write(`npm start: could not download the Electron ${version} binary (${why}${node}) — \`npm run web\` runs the same explorer in a browser\n`);
      return 1;
    }
  }
  return launch(binary, args);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await start({ args: process.argv.slice(2) });
}
