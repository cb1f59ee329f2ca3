// The main thread during a 4k run, task by task: `npx tsx bench/ui-trace.ts [--entries 248] [--runs 1] [--save FILE]`.
// Plays the responsiveness e2e's scenario (renderer/e2e/responsive.e2e.ts: Run a ~4,000-token phonebook
// of the bundled hybrid, switch to the SSM view, type a seed, switch to the attention view, wait for the
// end) in the web build (dist-web/, built first) under a Chrome DevTools trace, then lists the page's
// main-thread tasks over 16 ms of CPU time with their wall time (`dur`) and thread CPU time (`tdur`,
// which a shared machine's load does not stretch the way it stretches wall time), the trace events
// inside each (self time) and the JS functions the sampling profiler saw in each.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { openReady, repo, startHarness } from '../renderer/e2e/harness';

interface TraceEvent {
  name: string; cat: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number | string;
  args?: { name?: string; data?: Record<string, unknown> } & Record<string, unknown>;
  id?: string;
}
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; parent?: number }

// --no-js: without the sampling profiler (its overhead lengthens every task a little)
const CATEGORIES = [
  'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink', 'blink.user_timing',
  'disabled-by-default-devtools.timeline.frame', ...(process.argv.includes('--no-js') ? [] : ['disabled-by-default-v8.cpu_profiler']),
].join(',');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

async function traced(page: Page, play: () => Promise<void>): Promise<TraceEvent[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (m) => { for (const e of m.value as unknown as TraceEvent[]) events.push(e); });
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents', options: 'sampling-frequency=10000' });
  await play();
  await cdp.send('Tracing.end');
  await done;
  return events;
}

async function scenario(page: Page, entries: number): Promise<string> {
  await page.locator('input[aria-label=Entries]').fill(String(entries));
  await page.evaluate(() => performance.mark('ui-trace:run'));
  await page.locator('[data-testid=run]').click();
  await page.waitForSelector('[data-testid=run-progress][data-status=running]', { timeout: 30_000 });
  await page.locator('[data-testid=tab-ssm]').click();
  await page.waitForSelector('[data-testid=tab-ssm][aria-selected=true]', { timeout: 30_000 });
  await page.locator('[data-testid=pb-seed]').fill(String(1000 + Math.floor(Math.random() * 9000)));
  await page.locator('[data-testid=tab-attention]').click();
  await page.waitForSelector('[data-testid=tab-attention][aria-selected=true]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 300_000 });
  await page.evaluate(() => performance.mark('ui-trace:done'));
  await page.waitForTimeout(1500); // paints queued after the last record
  await page.locator('[data-testid=tab-ssm]').click();
  await page.locator('[data-testid=tab-attention]').click();
  await page.waitForTimeout(1500);
  return (await page.locator('[data-testid=run-timings]').textContent()) ?? '';
}

/** The page renderer's main thread: the CrRendererMain that ran the most top-level work. */
function mainThread(events: TraceEvent[]): { pid: number; tid: number | string } {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best = mains[0], bestCpu = -1;
  for (const m of mains) {
    const cpu = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask').reduce((s, e) => s + (e.tdur ?? 0), 0);
    if (cpu > bestCpu) { best = m; bestCpu = cpu; }
  }
  return { pid: best.pid, tid: best.tid };
}

/** JS samples of the main thread: [timestamp µs, leaf-first frames]. */
function samples(events: TraceEvent[], pid: number, tid: number | string): [number, string[]][] {
  const nodes = new Map<number, Node>();
  const out: [number, string[]][] = [];
  const profiles = new Set(events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid).map((e) => e.id));
  let t = 0;
  for (const e of events) {
    if (e.name === 'Profile' && profiles.has(e.id)) t = (e.args?.data as { startTime: number }).startTime;
    if (e.name !== 'ProfileChunk' || !profiles.has(e.id)) continue;
    const data = e.args?.data as { cpuProfile?: { nodes?: Node[]; samples?: number[] }; timeDeltas?: number[] };
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const ids = data.cpuProfile?.samples ?? [], deltas = data.timeDeltas ?? [];
    for (let i = 0; i < ids.length; i++) {
      t += deltas[i] ?? 0;
      const frames: string[] = [];
      for (let n = nodes.get(ids[i]); n; n = n.parent === undefined ? undefined : nodes.get(n.parent)) {
        const f = n.callFrame;
        frames.push(f.url ? `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}` : f.functionName);
      }
      out.push([t, frames]);
    }
  }
  // nodes' parents: the chunks give children's parent field
  return out;
}

const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

function report(events: TraceEvent[], minCpuMs: number): { tasks: { wallMs: number; cpuMs: number }[]; lines: string[] } {
  const { pid, tid } = mainThread(events);
  const mine = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur! - a.dur!));
  // top-level tasks only (RunTask nests inside ThreadControllerImpl::RunTask)
  const isTask = (e: TraceEvent) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
  const tasks: TraceEvent[] = [];
  for (const e of mine.filter(isTask)) {
    const last = tasks[tasks.length - 1];
    if (!last || e.ts >= last.ts + last.dur!) tasks.push(e);
  }
  const js = samples(events, pid, tid);
  const mark = (name: string) => events.find((e) => e.name === name && e.pid === pid)?.ts;
  const t0 = mark('ui-trace:run') ?? tasks[0].ts, tDone = mark('ui-trace:done');
  const lines: string[] = tDone ? [`run ends (page saw status done) at ${((tDone - t0) / 1e6).toFixed(2)} s`] : [];
  const all = tasks.map((t) => ({ wallMs: t.dur! / 1000, cpuMs: (t.tdur ?? t.dur!) / 1000 }));
  const long = tasks.filter((t) => (t.tdur ?? t.dur!) / 1000 >= minCpuMs || t.dur! / 1000 >= 100);
  for (const t of long) {
    const inner = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur!);
    // self time of each inner event: its duration less its direct children's
    const self = new Map<string, number>();
    for (const e of inner) {
      const kids = inner.filter((k) => k !== e && k.ts >= e.ts && k.ts + k.dur! <= e.ts + e.dur!);
      const direct = kids.filter((k) => !kids.some((p) => p !== k && k.ts >= p.ts && k.ts + k.dur! <= p.ts + p.dur!));
      const label = e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'TimerFire'
        ? `${e.name}(${String(e.args?.data?.type ?? e.args?.data?.functionName ?? '')})` : e.name;
      add(self, label, (e.dur! - direct.reduce((s, k) => s + k.dur!, 0)) / 1000);
    }
    const leafs = new Map<string, number>(), stacks = new Map<string, number>(), incl = new Map<string, number>();
    let n = 0;
    for (const [ts, frames] of js) {
      if (ts < t.ts || ts > t.ts + t.dur!) continue;
      n++;
      add(leafs, frames[0] ?? '?', 1);
      add(stacks, frames.filter((f) => !f.startsWith('(')).slice(0, 6).join(' < '), 1);
      for (const f of new Set(frames.map((f) => f.split(' ')[0]))) if (f) add(incl, f, 1);
    }
    lines.push(`task at ${((t.ts - t0) / 1e6).toFixed(2)} s: wall ${(t.dur! / 1000).toFixed(1)} ms, cpu ${((t.tdur ?? 0) / 1000).toFixed(1)} ms`);
    lines.push(`  events (self ms): ${top(self, 8).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    if (n) {
      lines.push(`  js samples ${n}: ${top(leafs, 8).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      lines.push(`  inclusive: ${top(incl, 24).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      for (const [k, v] of top(stacks, 4)) lines.push(`    ${v} × ${k}`);
    }
  }
  return { tasks: all, lines };
}

function print(events: TraceEvent[], min: number): void {
  const { tasks, lines } = report(events, min);
  const byCpu = [...tasks].sort((a, b) => b.cpuMs - a.cpuMs), byWall = [...tasks].sort((a, b) => b.wallMs - a.wallMs);
  console.log(`  longest task cpu ${byCpu[0]?.cpuMs.toFixed(1)} ms (wall ${byCpu[0]?.wallMs.toFixed(1)}); longest wall ${byWall[0]?.wallMs.toFixed(1)} ms (cpu ${byWall[0]?.cpuMs.toFixed(1)}); `
    + `tasks ≥ 50 ms cpu: ${tasks.filter((t) => t.cpuMs >= 50).length}, ≥ 100 ms wall: ${tasks.filter((t) => t.wallMs >= 100).length}`);
  console.log(`  top cpu: ${byCpu.slice(0, 10).map((t) => `${t.cpuMs.toFixed(0)}/${t.wallMs.toFixed(0)}`).join(' ')} (cpu/wall ms)`);
  for (const l of lines) console.log(l);
}

async function main(): Promise<void> {
  const from = arg('from', '');
  if (from) { print(JSON.parse(readFileSync(from, 'utf8')) as TraceEvent[], Number(arg('min', '16'))); return; }
  const entries = Number(arg('entries', '248')), runs = Number(arg('runs', '1')), save = arg('save', ''), min = Number(arg('min', '16'));
  // --names: an unminified build, so the profiler's functions carry their source names
  await build({ configFile: `${repo}/renderer/vite.web.config.ts`, logLevel: 'warn', build: { minify: !process.argv.includes('--names') } });
  const h = await startHarness();
  try {
    for (let r = 0; r < runs; r++) {
      const { page } = await openReady(h);
      const load0 = loadavg()[0];
      let timings = '';
      const events = await traced(page, async () => { timings = await scenario(page, entries); });
      const load1 = loadavg()[0];
      if (save) writeFileSync(r ? `${save}.${r}` : save, JSON.stringify(events));
      console.log(`run ${r + 1}: load ${load0.toFixed(1)} → ${load1.toFixed(1)}; ${timings}`);
      print(events, min);
      await page.context().close();
    }
  } finally {
    await h.close();
  }
}

await main();
