// Recent model folders, experiments and traces, kept in userData/recent.json (written atomically). The page
// only ever sees names and ids; paths stay in main.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from '../engine/cli/node';
import type { RecentItem } from '../app/desktop-api';

interface Stored extends RecentItem {
  path: string;
}

const MAX_ITEMS = 10;

export class RecentList {
  private items: Stored[] = [];

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    try {
      const json = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      if (!Array.isArray(json)) return;
      this.items = json.filter((x): x is Stored =>
        x !== null && typeof x === 'object' && (x.kind === 'model-folder' || x.kind === 'experiment' || x.kind === 'trace')
        && typeof x.path === 'string' && typeof x.id === 'string' && typeof x.name === 'string').slice(0, MAX_ITEMS);
    } catch {
      this.items = []; // no list yet, or an unreadable one: start afresh
    }
  }

  list(): RecentItem[] {
    return this.items.map(({ kind, name, id }) => ({ kind, name, id }));
  }

  find(id: string): Stored | undefined {
    return this.items.find((i) => i.id === id);
  }

  async add(kind: RecentItem['kind'], path: string): Promise<void> {
    const id = `${kind}:${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
    this.items = [{ kind, path, id, name: basename(path) }, ...this.items.filter((i) => i.path !== path)].slice(0, MAX_ITEMS);
    await writeFileAtomic(this.file, JSON.stringify(this.items, null, 1));
  }
}
