import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFolderSource, writeOutFile } from './node-files';

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

describe('nodeFolderSource', () => {
  it('reads files inside the folder, whole or by range, and follows symlinks that stay inside', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'config.json'), '{"a":1}');
    await symlink(join(dir, 'sub', 'config.json'), join(dir, 'alias.json'));
    const src = nodeFolderSource(dir, 'model');
    expect(new TextDecoder().decode(await src.read('sub/config.json'))).toBe('{"a":1}');
    expect(new TextDecoder().decode(await src.readRange!('alias.json', 1, 4))).toBe('"a"');
    expect(await src.size!('alias.json')).toBe(7);
    expect(await src.has('sub/config.json')).toBe(true);
    expect(await src.has('sub')).toBe(false);
    expect(await src.has('missing.json')).toBe(false);
  });

  it('refuses names and symlinks that leave the folder, with a one-line error naming the file', async () => {
    const root = await folder();
    await mkdir(join(root, 'secret'));
    await writeFile(join(root, 'secret', 'model.safetensors'), 'secret');
    const dir = join(root, 'model');
    await mkdir(dir);
    await symlink(join(root, 'secret', 'model.safetensors'), join(dir, 'link.safetensors'));
    await symlink(join(root, 'secret'), join(dir, 'linked-dir'));
    const src = nodeFolderSource(dir);
    for (const file of ['../secret/model.safetensors', '/etc/passwd', 'sub/../../secret/model.safetensors', 'link.safetensors', 'linked-dir/model.safetensors']) {
      await expect(src.read(file)).rejects.toThrow(`model/${file}: path leaves the folder`);
      await expect(src.readRange!(file, 0, 2)).rejects.toThrow(/leaves the folder/);
      await expect(src.size!(file)).rejects.toThrow(/leaves the folder/);
      expect(await src.has(file)).toBe(false);
    }
  });
});
