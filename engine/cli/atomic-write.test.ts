// writeFileAtomic's promises beyond "old or new, never half" (node-files.test.ts kills a write
// halfway): permissions kept, the file fsynced before its rename and the folder fsynced after it —
// observed by recording the fs calls.
import { chmod, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from './atomic-write';

const calls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      calls.push(`rename ${basename(from)} -> ${basename(to)}`);
      return fs.rename(from, to);
    },
    open: async (...args: Parameters<typeof fs.open>) => {
      const fh = await fs.open(...args);
      const sync = fh.sync.bind(fh);
      fh.sync = async () => {
        calls.push(`sync ${basename(String(args[0]))}`);
        return sync();
      };
      return fh;
    },
  };
});

const folders: string[] = [];
afterEach(async () => {
  calls.length = 0;
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const folder = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-atomic-'));
  folders.push(dir);
  return dir;
};

describe('writeFileAtomic', () => {
  it('fsyncs the new file before renaming it over the target, and the folder after', async () => {
    const dir = await folder();
    await writeFileAtomic(join(dir, 'recent.json'), '[]\n');
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatch(/^sync \.recent\.json\.[0-9a-f]+\.tmp$/);
    expect(calls[1]).toBe(`rename ${calls[0].slice(5)} -> recent.json`);
    expect(calls[2]).toBe(`sync ${basename(dir)}`);
    expect(await readFile(join(dir, 'recent.json'), 'utf8')).toBe('[]\n');
  });

  it('keeps the permissions of the file it replaces, whatever the umask', async () => {
    const dir = await folder();
    for (const mode of [0o600, 0o664, 0o640]) {
      const file = join(dir, `f${mode.toString(8)}`);
      await writeFile(file, 'old');
      await chmod(file, mode);
      await writeFileAtomic(file, 'new');
      expect((await stat(file)).mode & 0o777).toBe(mode);
      expect(await readFile(file, 'utf8')).toBe('new');
    }
  });

  it('replaces the file a symlink points to and leaves the link in place', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'real.json'), 'old');
    await symlink(join(dir, 'real.json'), join(dir, 'link.json'));
    await writeFileAtomic(join(dir, 'link.json'), 'new');
    expect(await readlink(join(dir, 'link.json'))).toBe(join(dir, 'real.json'));
    expect(await readFile(join(dir, 'real.json'), 'utf8')).toBe('new');
  });

  it('writes through a symlink whose file does not exist yet, keeping the link', async () => {
    const dir = await folder();
    await symlink('later.json', join(dir, 'link.json')); // relative, dangling
    await writeFileAtomic(join(dir, 'link.json'), 'first');
    expect(await readlink(join(dir, 'link.json'))).toBe('later.json');
    expect(await readFile(join(dir, 'later.json'), 'utf8')).toBe('first');
  });
});
