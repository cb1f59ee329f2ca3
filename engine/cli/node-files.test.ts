import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeOutFile } from './node-files';

// A write that dies halfway (a killed process, a full disk): the first half of the bytes land, then it throws.
const dying = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    writeFile: async (file: string, data: string) => {
      if (!dying.on) return fs.writeFile(file, data);
      await fs.writeFile(file, data.slice(0, data.length >> 1));
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    },
  };
});

describe('writeOutFile', () => {
  it('replaces an earlier file whole and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hs-out-'));
    const file = join(dir, 'sweep.samples.json');
    await writeFile(file, 'an earlier, longer result that must not survive in part');
    await writeOutFile(file, '{"done":3}\n');
    expect(await readFile(file, 'utf8')).toBe('{"done":3}\n');
    expect(await readdir(dir)).toEqual(['sweep.samples.json']);
  });

  it('keeps the earlier file intact when a write dies halfway, and says which file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hs-out-'));
    const file = join(dir, 'sweep.samples.json');
    await writeFile(file, '{"done":300,"total":300}\n');
    dying.on = true;
    try {
      await expect(writeOutFile(file, '{"done":700,"total":700,"more":"bytes"}\n')).rejects.toThrow(/sweep\.samples\.json: cannot write \(ENOSPC\)/);
    } finally {
      dying.on = false;
    }
    expect(await readFile(file, 'utf8')).toBe('{"done":300,"total":300}\n');
    expect(await readdir(dir)).toEqual(['sweep.samples.json']);
  });

  it('fails with an error naming the file, and cleans up, when the result cannot take its place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hs-out-'));
    const file = join(dir, 'taken');
    await mkdir(join(file, 'inside'), { recursive: true }); // a non-empty folder where the file should go
    await expect(writeOutFile(file, 'x')).rejects.toThrow(/taken: cannot write/);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(file)).toEqual(['inside']);
  });
});
