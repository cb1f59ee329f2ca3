// Security checks that run in Node: main's IPC handlers (with Electron mocked) never read or write a
// path the page names — folders and files come only from dialogs, recent items by id, a drop by the
// path the preload reads from the dropped File (webUtils.getPathForFile; a File the page makes up has
// none), the OS's requests from main's own queue — refuse foreign frames, sanitize suggested file
// names; model folders cannot be left through shard names or symlinks.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { inspectCheckpoint } from '../../../engine/io/checkpoint';
import { CHANNELS } from '../../desktop-api';
import { nodeFolderSource } from '../../../engine/cli/node-files';
import { tinyFiles } from './protocol.campaign';

type Handler = (event: { senderFrame?: { url: string } }, ...args: unknown[]) => Promise<unknown>;
const handlers = new Map<string, Handler>();
const dialogs: { kind: string; options: Record<string, unknown> }[] = [];
const recentDocuments: string[] = [];
const osQueue: string[] = [];
let dialogAnswer: { canceled: boolean; filePaths?: string[]; filePath?: string } = { canceled: true, filePaths: [] };

vi.mock('electron', () => ({
  app: { addRecentDocument: (path: string) => recentDocuments.push(path) },
  ipcMain: { handle: (channel: string, fn: Handler) => handlers.set(channel, fn) },
  dialog: {
    showOpenDialog: async (_w: unknown, options: Record<string, unknown>) => { dialogs.push({ kind: 'open', options }); return dialogAnswer; },
    showSaveDialog: async (_w: unknown, options: Record<string, unknown>) => { dialogs.push({ kind: 'save', options }); return dialogAnswer; },
  },
}));

const OWN = 'app://hybridscope/index.html';
const granted: string[] = [];
const recentPaths = new Map<string, string>();

beforeAll(async () => {
  const { registerIpc } = await import('../../../main/ipc');
  const { isOwnUrl } = await import('../../../main/security');
  registerIpc({
    window: () => null,
    isOwnFrame: (url) => isOwnUrl(url),
    engine: { grant: (path: string) => { granted.push(path); return `token-${granted.length}`; } } as never,
    recent: {
      add: async (kind: string, path: string) => { recentPaths.set(`${kind}:${path.length}`, path); },
      find: (id: string) => (recentPaths.has(id) ? { kind: 'model-folder', path: recentPaths.get(id)!, id, name: 'x' } : undefined),
      list: () => [],
    } as never,
    onRecentChanged: () => {},
    osOpens: { take: () => osQueue.splice(0) } as never,
  });
});

const call = (channel: string, ...args: unknown[]) => handlers.get(channel)!({ senderFrame: { url: OWN } }, ...args);

describe('main IPC', () => {
  it('refuses every channel from a frame that is not our page', async () => {
    for (const [channel, fn] of handlers) {
      // the page was served from file:// before app://; a file:// frame is now foreign too
      for (const url of ['https://evil.example/', 'file:///tmp/evil.html', 'file:///opt/HybridScope/out/renderer/index.html', 'app://evil/index.html', '']) {
        await expect(Promise.resolve().then(() => fn({ senderFrame: { url } }))).rejects.toThrow(`refused ${channel}`);
      }
    }
    expect(dialogs).toEqual([]);
  });

  it('takes folders and files only from dialogs: page-supplied paths are never opened or granted', async () => {
    const paths = ['/etc/passwd', '/home', '../../..', 'C:\\Windows', '~/.ssh/id_rsa', 'model-folder:/etc'];
    for (const p of paths) {
      // Channels that take no path ignore extra arguments and ask the dialog (here: cancelled).
      expect(await call(CHANNELS.openModelFolder, p)).toBeNull();
      expect(await call(CHANNELS.openExperiment, p)).toBeNull();
      // A recent item is named by an id main handed out; a path is not an id.
      expect(await call(CHANNELS.openRecent, p)).toBeNull();
    }
    expect(granted).toEqual([]);
    // The folder the dialog returns is granted under a token; the page gets the token and a name only.
    dialogAnswer = { canceled: false, filePaths: ['/data/models/hybrid'] };
    expect(await call(CHANNELS.openModelFolder)).toEqual({ token: 'token-1', name: 'hybrid' });
    dialogAnswer = { canceled: true, filePaths: [] };
    expect(granted).toEqual(['/data/models/hybrid']);
  });

  it('opens a dropped path, as the preload read it, only as a folder or a HybridScope experiment file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-drop-'));
    const folder = join(root, 'my-model');
    mkdirSync(folder);
    const experiment = join(root, 'a.hybridscope.json');
    writeFileSync(experiment, '{"format":"hybridscope-experiment"}');
    const other = join(root, 'notes.txt');
    writeFileSync(other, 'secret');
    const before = granted.length;
    expect(await call(CHANNELS.openDropped, folder)).toEqual({ token: `token-${before + 1}`, name: 'my-model' });
    expect(await call(CHANNELS.openDropped, experiment)).toEqual({ name: 'a.hybridscope.json', text: '{"format":"hybridscope-experiment"}' });
    const refused = await call(CHANNELS.openDropped, other) as { name: string; error: string };
    expect(refused).toEqual({ name: 'notes.txt', error: expect.stringMatching(/^notes\.txt: not a model folder, an experiment file/) });
    // other JSON (credentials, say) never reaches the page: only *.hybridscope.json, and only an experiment's text
    const credentials = join(root, 'config.json');
    writeFileSync(credentials, '{"auths":{"registry":"secret"}}');
    expect(await call(CHANNELS.openDropped, credentials)).toEqual({ name: 'config.json', error: expect.stringMatching(/^config\.json: not a model folder, an experiment file/) });
    const disguised = join(root, 'secret.hybridscope.json');
    writeFileSync(disguised, '{"auths":{"registry":"secret"}}');
    expect(await call(CHANNELS.openDropped, disguised)).toEqual({ name: 'secret.hybridscope.json', error: 'secret.hybridscope.json: not a HybridScope experiment file' });
    // a missing file: the reason without the path, which stays in main
    const missing = await call(CHANNELS.openDropped, join(root, 'gone.hybridscope.json')) as { error: string };
    expect(missing.error).toBe('gone.hybridscope.json could not be read (ENOENT)');
    await expect(call(CHANNELS.openDropped, 'relative/a.json')).rejects.toThrow(/absolute/);
    await expect(call(CHANNELS.openDropped, 42)).rejects.toThrow(/dropped path/);
    expect(granted.slice(before)).toEqual([folder]);
    expect(recentDocuments.slice(-2)).toEqual([folder, experiment]);
  });

  it('opens what the OS asked for from main\'s own queue, once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-os-'));
    const experiment = join(root, 'b.hybridscope.json');
    writeFileSync(experiment, '{"format":"hybridscope-experiment"}');
    osQueue.push(experiment, join(root, 'missing-model'));
    // arguments the page adds are ignored: only the queue names paths
    expect(await call(CHANNELS.takeOsOpens, '/etc/passwd')).toEqual([
      { name: 'b.hybridscope.json', text: '{"format":"hybridscope-experiment"}' },
      { name: 'missing-model', error: 'missing-model could not be read (ENOENT)' },
    ]);
    expect(await call(CHANNELS.takeOsOpens)).toEqual([]);
  });

  it('grants a trace the OS handed over, and the page reads only its byte ranges', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-os-trace-'));
    const trace = join(root, 'run.hstrace');
    const bytes = new Uint8Array(100).map((_, i) => i);
    bytes.set(new TextEncoder().encode('HSTRACE\0'));
    writeFileSync(trace, bytes);
    // a file named like a trace whose bytes are something else never reaches the page
    const disguised = join(root, 'id_rsa.hstrace');
    writeFileSync(disguised, '-----BEGIN OPENSSH PRIVATE KEY-----');
    osQueue.push(trace, disguised);
    const [opened, refused] = await call(CHANNELS.takeOsOpens) as [{ trace: string; name: string; size: number }, { error: string }];
    expect(opened).toEqual({ trace: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'run.hstrace', size: 100 });
    expect(refused).toEqual({ name: 'id_rsa.hstrace', error: 'id_rsa.hstrace: not a HybridScope trace (.hstrace)' });
    expect([...await call(CHANNELS.readTrace, opened.trace, 8, 12) as Uint8Array]).toEqual([8, 9, 10, 11]);
    for (const [start, end] of [[0, 101], [-1, 4], [5, 4], [0.5, 4], ['0', 4], [0, 2 ** 60]]) {
      await expect(call(CHANNELS.readTrace, opened.trace, start, end)).rejects.toThrow(/inside the trace's 100 bytes/);
    }
    for (const id of ['/etc/passwd', trace, 'ffff', 42, undefined]) await expect(call(CHANNELS.readTrace, id, 0, 4)).rejects.toThrow(/no such trace/);
  });

  it('sanitizes suggested names: a save dialog never starts outside the default folder', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('../../etc/passwd', '/etc/cron.d/x', '..', 'a/../../b', 'C:\\x\\y')), async (name) => {
      dialogs.length = 0;
      await call(CHANNELS.saveExperiment, '{}', name);
      await call(CHANNELS.exportFigure, '<svg/>', 'svg', name);
      for (const d of dialogs) {
        const p = String(d.options.defaultPath);
        expect(p).not.toMatch(/[/\\]/);
        expect(p).not.toBe('..');
      }
    }), { numRuns: 200 });
    await expect(call(CHANNELS.exportFigure, '<svg/>', 'exe', 'x')).rejects.toThrow(/figure format/);
  });
});

describe('model folders', () => {
  it('cannot be left through shard names or symlinks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-folder-'));
    const outside = join(root, 'secret');
    mkdirSync(outside);
    writeFileSync(join(outside, 'model.safetensors'), 'secret');
    const dir = join(root, 'model');
    mkdirSync(dir);
    const files = tinyFiles('{}');
    writeFileSync(join(dir, 'config.json'), files['config.json'] as string);
    for (const shard of ['../secret/model.safetensors', '/etc/passwd', 'sub/../../secret/model.safetensors']) {
      writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'model.embeddings.weight': shard } }));
      await expect(inspectCheckpoint(nodeFolderSource(dir))).rejects.toThrow(/model\.safetensors\.index\.json: weight_map names an invalid shard|leaves the folder/);
    }
    // A symlink inside the folder that points outside it reads as absent, not as the target.
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'model.embeddings.weight': 'link.safetensors' } }));
    symlinkSync(join(outside, 'model.safetensors'), join(dir, 'link.safetensors'));
    const src = nodeFolderSource(dir);
    expect(await src.has('link.safetensors')).toBe(false);
    await expect(src.read('link.safetensors')).rejects.toThrow(/leaves the folder/);
    await expect(inspectCheckpoint(src)).rejects.toThrow(/link\.safetensors: missing shard/);
  });
});
