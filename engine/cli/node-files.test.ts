import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeOutFile } from './node-files';

// A write that dies halfway (a killed process, a full disk): the first half of the bytes land in the
// file being written, then it throws.
const dying = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const die = async (write: (half: string | Uint8Array) => Promise<void>, data: string | Uint8Array) => {
    await write(data.slice(0, data.length >> 1));
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  };
  return {
    ...fs,
    writeFile: (file: Parameters<typeof fs.writeFile>[0], data: string | Uint8Array, ...rest: unknown[]) =>
      dying.on ? die((half) => fs.writeFile(file, half), data) : fs.writeFile(file, data, ...(rest as [])),
    open: async (...args: Parameters<typeof fs.open>) => {
      const fh = await fs.open(...args);
      if (!dying.on) return fh;
      return new Proxy(fh, {
        get: (target, key) => key === 'writeFile'
          ? (data: string | Uint8Array) => die((half) => target.writeFile(half), data)
          : (typeof target[key as keyof typeof target] === 'function'
            ? (target[key as keyof typeof target] as (...a: unknown[]) => unknown).bind(target)
            : target[key as keyof typeof target]),
      });
    },
  };
});

const folders: string[] = [];
const folder = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-out-'));
  folders.push(dir);
  return dir;
};
afterEach(async () => {
  dying.on = false;
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('writeOutFile', () => {
  it('replaces an earlier file whole and leaves no temporary file behind', async () => {
    const dir = await folder();
    const file = join(dir, 'sweep.samples.json');
    await writeFile(file, 'an earlier, longer result that must not survive in part');
    await writeOutFile(file, '{"done":3}\n');
    expect(await readFile(file, 'utf8')).toBe('{"done":3}\n');
    expect(await readdir(dir)).toEqual(['sweep.samples.json']);
  });

  it('keeps the earlier file intact when a write dies halfway, and says which file', async () => {
    const dir = await folder();
    const file = join(dir, 'sweep.samples.json');
    await writeFile(file, '{"done":300,"total":300}\n');
    dying.on = true;
    await expect(writeOutFile(file, '{"done":700,"total":700,"more":"bytes"}\n')).rejects.toThrow(/sweep\.samples\.json: cannot write \(ENOSPC\)/);
    dying.on = false;
    expect(await readFile(file, 'utf8')).toBe('{"done":300,"total":300}\n');
    expect(await readdir(dir)).toEqual(['sweep.samples.json']);
  });

  it('fails with an error naming the file, and cleans up, when the result cannot take its place', async () => {
    const dir = await folder();
    const file = join(dir, 'taken');
    await mkdir(join(file, 'inside'), { recursive: true }); // a non-empty folder where the file should go
    await expect(writeOutFile(file, 'x')).rejects.toThrow(/taken: cannot write/);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(file)).toEqual(['inside']);
  });
});
