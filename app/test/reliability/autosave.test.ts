// Autosave: debounced writes, the session offered back after a crash and not after a clean shutdown,
// torn or foreign files ignored, failing writes reported; then a real forced quit — a child process
// autosaving through main's atomic writer is SIGKILLed mid-stream — still leaves a session to offer.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTOSAVE_KEY, Autosave, type AutosaveStore, type AutosaveTimers, type Session } from '../../autosave';

function memoryStore(): AutosaveStore & { files: Map<string, string>; writes: number; fail: boolean } {
  const files = new Map<string, string>();
  const s = {
    files, writes: 0, fail: false,
    read: async (k: string) => files.get(k) ?? null,
    writeAtomic: async (k: string, text: string) => {
      if (s.fail) throw new Error('ENOSPC: no space left on device\nat write');
      s.writes++;
      files.set(k, text);
    },
  };
  return s;
}

function manualTimers(): AutosaveTimers & { advance(ms: number): void } {
  let t = 0;
  const pending = new Map<number, { fn: () => void; at: number }>();
  let id = 0;
  return {
    now: () => t,
    setTimeout: (fn, ms) => { pending.set(++id, { fn, at: t + ms }); return id; },
    clearTimeout: (h) => void pending.delete(h as number),
    advance(ms) {
      t += ms;
      for (const [k, p] of [...pending]) if (p.at <= t) { pending.delete(k); p.fn(); }
    },
  };
}

const session = (n: number): Session => ({
  model: { ref: { kind: 'bundled', id: 'hybrid' }, name: 'Hybrid' },
  layout: 'M-M*-'.slice(0, 1 + (n % 5)),
  prompt: { kind: 'phonebook', seed: n, spec: { entries: 40, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 2 } },
  results: { layout: 'M-M*-', generatedText: ' 6125550123', expected: '6125550123', exact: true, digitAccuracy: 1, promptTokens: 600 },
});
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('autosave', () => {
  it('debounces writes and offers the session back after a crash, not after a clean shutdown', async () => {
    const store = memoryStore();
    const timers = manualTimers();
    const first = new Autosave({ store, timers, debounceMs: 1000 });
    expect(await first.recover()).toBeNull(); // first start ever
    const writesAfterStart = store.writes;
    for (let i = 1; i <= 10; i++) { first.update(session(i)); timers.advance(100); }
    await settle();
    expect(store.writes).toBe(writesAfterStart); // still typing: nothing written yet
    timers.advance(1000);
    await first.flush();
    expect(store.writes).toBe(writesAfterStart + 1);
    // The app dies here (no shutdown). The next start offers the last session.
    const second = new Autosave({ store, timers });
    expect(await second.recover()).toEqual(session(10));
    // It stays offered if the app dies again before anything new happens…
    expect(await new Autosave({ store, timers }).recover()).toEqual(session(10));
    // …and a clean shutdown means nothing is offered next time.
    const third = new Autosave({ store, timers });
    await third.recover();
    third.update(session(11));
    await third.shutdown();
    expect(await new Autosave({ store, timers }).recover()).toBeNull();
  });

  it('writes a pending change on flush and on shutdown', async () => {
    const store = memoryStore();
    const timers = manualTimers();
    const a = new Autosave({ store, timers, debounceMs: 60_000 });
    await a.recover();
    a.update(session(3));
    await a.flush();
    expect(JSON.parse(store.files.get(AUTOSAVE_KEY)!).session).toEqual(session(3));
    a.update(session(4));
    await a.shutdown();
    const stored = JSON.parse(store.files.get(AUTOSAVE_KEY)!);
    expect(stored.session).toEqual(session(4));
    expect(stored.running).toBe(false);
  });

  it('ignores torn, foreign and empty autosave files', async () => {
    for (const text of ['', '{"format":"hybridscope-autosave","version":1,"running":true,"session":{"mod', '[1,2]', '{"format":"other","running":true,"session":{"model":null}}', 'null', '{"format":"hybridscope-autosave","version":99,"running":true,"session":{"model":null}}']) {
      const store = memoryStore();
      store.files.set(AUTOSAVE_KEY, text);
      expect(await new Autosave({ store, timers: manualTimers() }).recover()).toBeNull();
    }
  });

  it('reports a failing write in one line and keeps saving later changes', async () => {
    const store = memoryStore();
    const timers = manualTimers();
    const errors: string[] = [];
    const a = new Autosave({ store, timers, debounceMs: 10, onError: (m) => errors.push(m) });
    await a.recover();
    store.fail = true;
    a.update(session(1));
    timers.advance(10);
    await a.flush();
    expect(errors).toEqual(['autosave failed: ENOSPC: no space left on device']);
    store.fail = false;
    a.update(session(2));
    timers.advance(10);
    await a.flush();
    expect(await new Autosave({ store, timers }).recover()).toEqual(session(2));
  });

  it('offers the session after a forced quit (SIGKILL) in the middle of autosaving', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-autosave-'));
    const script = join(dir, 'writer.mts');
    const root = new URL('../../../', import.meta.url).pathname;
    // A child "app": recovers, then changes its session as fast as it can, each change flushed
    // through main's atomic writer, until it is killed.
    writeFileSync(script, `
      import { writeFileAtomic } from '${root}engine/cli/atomic-write.ts';
      import { Autosave } from '${root}app/autosave.ts';
      import { readFile } from 'node:fs/promises';
      const dir = ${JSON.stringify(dir)};
      const store = {
        read: (k) => readFile(dir + '/' + k, 'utf8').catch(() => null),
        writeAtomic: (k, t) => writeFileAtomic(dir + '/' + k, t),
      };
      const a = new Autosave({ store, timers: { now: Date.now, setTimeout, clearTimeout }, debounceMs: 0 });
      await a.recover();
      for (let n = 1; ; n++) {
        a.update({ model: { ref: { kind: 'bundled', id: 'hybrid' }, name: 'Hybrid' }, layout: 'M-M*-', prompt: { kind: 'text', text: 'x'.repeat(n % 5000) + n } });
        await a.flush();
        if (n === 50) process.stdout.write('saving\\n');
      }
    `);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('saving')) resolve(); });
      child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 150)); // kill it mid-stream, between or during writes
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const text = readFileSync(join(dir, AUTOSAVE_KEY), 'utf8');
    expect(() => JSON.parse(text)).not.toThrow(); // atomic: never a torn file
    const store: AutosaveStore = { read: async () => text, writeAtomic: async () => {} };
    const offered = await new Autosave({ store, timers: manualTimers() }).recover();
    expect(offered?.model?.name).toBe('Hybrid');
    expect(offered?.prompt?.kind).toBe('text');
    expect(Number((offered!.prompt as { text: string }).text.replace(/^x*/, ''))).toBeGreaterThanOrEqual(50);
  });
});
