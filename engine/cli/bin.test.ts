// The compiled CLI, bin/hybridscope.mjs, as a person runs it: plain JavaScript that needs only the
// runtime dependencies (what `npm install --omit=dev` leaves), `-` for stdin and stdout, and progress
// that writes no carriage-return frames into a file.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTensor, parseHeader } from '../io/safetensors';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'bin/hybridscope.mjs');
const hybrid = join(repo, 'assets/models/hybrid');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'hs-bin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bin/hybridscope.mjs', () => {
  it('imports nothing but Node built-ins and the runtime dependencies, and runs with only those installed', () => {
    const source = readFileSync(bin, 'utf8');
    const imported = [...source.matchAll(/(?:^import .* from |\bimport\()"([^"]+)"/gm)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    for (const spec of imported) {
      const ok = spec.startsWith('node:') || builtinModules.includes(spec) || spec in pkg.dependencies;
      expect(ok, spec).toBe(true);
    }
    // a folder holding the file and the runtime dependencies alone: no tsx, no TypeScript
    const alone = join(work, 'alone');
    mkdirSync(join(alone, 'node_modules', '@huggingface'), { recursive: true });
    for (const dep of Object.keys(pkg.dependencies)) {
      mkdirSync(dirname(join(alone, 'node_modules', dep)), { recursive: true });
      symlinkSync(join(repo, 'node_modules', dep), join(alone, 'node_modules', dep), 'dir');
    }
    copyFileSync(bin, join(alone, 'hybridscope.mjs'));
    const version = spawnSync(process.execPath, [join(alone, 'hybridscope.mjs'), '--version'], { encoding: 'utf8' });
    expect(version.stdout).toBe(`hybridscope ${pkg.version}\n`);
    const info = spawnSync(process.execPath, [join(alone, 'hybridscope.mjs'), 'info', hybrid, '--json'], { encoding: 'utf8' });
    expect(info.stderr).toBe('');
    expect(JSON.parse(info.stdout)).toMatchObject({ model_type: 'nemotron_h', layout: 'M-M*M-M-' });
  });

  it('forward --ids - --out - pipes ids in and safetensors bytes out', () => {
    const r = spawnSync(process.execPath, [bin, 'forward', hybrid, '--ids', '-', '--out', '-', '--capture', 'hidden'], { input: '[1, 5, 2, 7]' });
    expect(r.stderr.toString()).toBe('wrote 10 tensors to stdout\n');
    expect(r.status).toBe(0);
    const bytes = new Uint8Array(r.stdout);
    const header = parseHeader(bytes, 'stdout');
    expect(header.tensors.get('logits')!.shape).toEqual([4, 268]);
    expect(header.tensors.get('hidden_states.8')!.shape[0]).toBe(4);
    expect(decodeTensor(header, header.tensors.get('logits')!, bytes).every(Number.isFinite)).toBe(true);
  });

  it('stops quietly when the reader of stdout closes the pipe early (`| head -c 8`)', () => {
    // ~170 KiB of tensors: more than a pipe holds, so the CLI is still writing when head exits
    const line = `echo '[1, 5, 2, 7]' | "${process.execPath}" "${bin}" forward "${hybrid}" --ids - --out - | head -c 8 > /dev/null`;
    const r = spawnSync('sh', ['-c', line], { encoding: 'utf8' });
    expect(r.stderr).toBe('wrote 15 tensors to stdout\n');
  });

  it('phonebook with stderr in a file writes plain progress lines, no carriage returns', () => {
    const log = join(work, 'stderr.log');
    const fd = openSync(log, 'w');
    const r = spawnSync(process.execPath, [bin, 'phonebook', hybrid, '--entries', '3', '--samples', '2', '--json'], { stdio: ['ignore', 'pipe', fd] });
    closeSync(fd);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString()).results[0].samples).toBe(2);
    const written = readFileSync(log, 'utf8');
    expect(written).not.toContain('\r');
    expect(written).toMatch(/^phonebook: 2\/2 samples \(100%\) in \d+:\d\d \(3 entries\)\n$/);
  });
});
