// writeFileAtomic's promises beyond "old or new, never half" (node-files.test.ts kills a write
// halfway): permissions kept, the file fsynced before its rename and the folder fsynced after it —
// observed by recording the fs calls. openAtomicFile: the same, for a file written in pieces.
import { chmod, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAtomicFile, writeFileAtomic } from './atomic-write';

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

describe('openAtomicFile', () => {
  it('writes the pieces beside the target, which keeps its old bytes until commit fsyncs and renames', async () => {
    const dir = await folder();
    const target = join(dir, 'run.hstrace');
    await writeFile(target, 'old');
    const f = await openAtomicFile(target);
    await f.write(new Uint8Array([1, 2, 3]));
    await f.write('four');
    expect(await readFile(target, 'utf8')).toBe('old');
    const temp = (await readdir(dir)).find((n) => n !== 'run.hstrace')!;
    expect(temp).toMatch(/^\.run\.hstrace\.[0-9a-f]+\.tmp$/);
    expect([...await readFile(join(dir, temp))]).toEqual([1, 2, 3, ...Buffer.from('four')]);
    await f.commit();
    expect(calls).toEqual([`sync ${temp}`, `rename ${temp} -> run.hstrace`, `sync ${basename(dir)}`]);
    expect([...await readFile(target)]).toEqual([1, 2, 3, ...Buffer.from('four')]);
    expect(await readdir(dir)).toEqual(['run.hstrace']);
  });

  it('abort leaves the target as it was and no temporary file', async () => {
    const dir = await folder();
    const target = join(dir, 'run.hstrace');
    await writeFile(target, 'old');
    const f = await openAtomicFile(target);
    await f.write('half of a new trace');
    await f.abort();
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['run.hstrace']);
    expect(calls.filter((c) => c.startsWith('rename'))).toEqual([]);
  });
});
