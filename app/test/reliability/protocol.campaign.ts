// Hostile requests sent to the real engine service over a real MessageChannel (structured clone, as
// between a page and its engine host), with the real engine backend and a tiny checkpoint. After
// each message a `model/list` probe must be answered within the bound (else the service hung); every
// event that carries a message must be one line without a stumble (else the service crashed on the
// input); a `request/error` or `model/error` for the message counts as a refusal. Corrupted model
// folders opened through the protocol must leave the previous model usable.
import fc from 'fast-check';
import { memorySource, type FileSource } from '../../../engine/io/files';
import { newStats, recordOutcome, refusalProblem, show, type Expectation, type KindStats } from '../../../engine/test/reliability/harness';
import { applyBytes, byteMutations, draw } from '../../../engine/test/reliability/mutate';
import { realEngine } from '../../engine-api';
import { PROTOCOL_VERSION, type EngineEvent } from '../../protocol';
import { nodeHost, type NodeHost } from '../../../hosts/node';
import { TINY_HYBRID, tinyCheckpointFiles } from '../tiny-checkpoint';
import { hostileRequests } from './files.campaign';

/** Service messages are free text for people: any class will do (they arrive as strings). */
const messageExpect: Expectation = { classes: [Error], names: () => true };

export function tinyFiles(tokenizer: string): Record<string, Uint8Array | string> {
  return { ...tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268 }), 'tokenizer.json': tokenizer };
}

function bundledRoot(tokenizer: string): FileSource {
  const files: Record<string, Uint8Array | string> = { 'manifest.json': JSON.stringify([{ id: 'tiny', name: 'Tiny' }]) };
  for (const [name, data] of Object.entries(tinyFiles(tokenizer))) files[`tiny/${name}`] = data;
  return memorySource('models', files);
}

/** Waits until `pred` holds for an event at or after index `from`, or `ms` pass. */
function waitFor(host: NodeHost, from: number, pred: (e: EngineEvent) => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => host.events.slice(from).some(pred);
    if (check()) return resolve(true);
    const timer = setTimeout(() => { off(); resolve(false); }, ms);
    const off = host.client.subscribe(() => {
      if (check()) { clearTimeout(timer); off(); resolve(true); }
    });
  });
}

/** A message in an event that is not a proper one-line explanation. */
function badMessage(events: EngineEvent[]): string | null {
  for (const e of events) {
    if (!('message' in e) || e.type === 'host/status') continue;
    const problem = refusalProblem(new Error(e.message), messageExpect);
    if (problem) return `${e.type}: ${problem}`;
  }
  return null;
}

export async function protocolCampaign(seed: number, tokenizer: string, scale = 1): Promise<KindStats[]> {
  const requests = newStats('protocol: service over MessageChannel');
  const folders = newStats('protocol: corrupted model folders');
  // The host resolves folder tokens from this record; corrupted folders are granted under fresh tokens.
  const corrupt: Record<string, FileSource> = {};
  const host = nodeHost(realEngine, bundledRoot(tokenizer), corrupt);
  let reqId = 1_000_000;
  let runId = 1;
  try {
    const probe = async (): Promise<boolean> => {
      const id = ++reqId;
      const from = host.events.length;
      host.raw({ type: 'model/list', v: PROTOCOL_VERSION, reqId: id });
      return waitFor(host, from, (e) => e.type === 'model/catalog' && e.reqId === id, 5000);
    };
    const open = async (source: unknown): Promise<EngineEvent | undefined> => {
      const id = ++reqId;
      const from = host.events.length;
      host.raw({ type: 'model/open', v: PROTOCOL_VERSION, reqId: id, source });
      const done = (e: EngineEvent) => (e.type === 'model/error' && e.reqId === id) || (e.type === 'model/info' && e.reqId === id && e.model.loaded);
      await waitFor(host, from, done, 10_000);
      return host.events.slice(from).find(done);
    };
    // One open of a corrupted folder: a hang, accepted (then back to the good model), or refused with a
    // one-line message naming a file of that folder while the previous model stays open.
    const judge = async (event: EngineEvent | undefined, ms: number, prefix: string, detail: () => string): Promise<void> => {
      if (!event) {
        recordOutcome(folders, 'hang', ms, detail);
        return;
      }
      if (event.type === 'model/info') {
        recordOutcome(folders, 'accepted', ms, detail);
        await open({ kind: 'bundled', id: 'tiny' });
        return;
      }
      const e = event as Extract<EngineEvent, { type: 'model/error' }>;
      const problem = refusalProblem(new Error(e.message), { classes: [Error], names: (msg) => msg.startsWith(prefix) })
        ?? (e.current?.name === 'tiny' ? null : `the previous model is gone (current: ${show(e.current)})`);
      recordOutcome(folders, problem ? 'crash' : 'refused', ms, () => `${problem} ← ${detail()}`);
    };
    const opened = await open({ kind: 'bundled', id: 'tiny' });
    if (opened?.type !== 'model/info') throw new Error(`the tiny model did not open: ${show(opened)}`);

    for (const message of draw(hostileRequests(), Math.round(700 * scale), seed)) {
      // Fresh run ids, so a well-formed run/start is not refused only for being stale. An accepted id
      // near the top of the range (up to 2^53 - 1) would leave no newer id for the check at the end
      // (the service wants increasing ids), so those are renumbered too; ids beyond the range stay.
      const m = message as Record<string, unknown> | null;
      const topOfRange = (id: unknown) => typeof id === 'number' && id > 2 ** 52 && id <= Number.MAX_SAFE_INTEGER;
      if (m && typeof m === 'object' && m.type === 'run/start' && (m.runId === 1 || topOfRange(m.runId))) m.runId = ++runId;
      const from = host.events.length;
      const t0 = performance.now();
      try {
        host.raw(message);
      } catch {
        continue; // not structured-cloneable (a function, a symbol): it never reaches the service
      }
      const answered = await probe();
      const ms = performance.now() - t0;
      const events = host.events.slice(from);
      const bad = badMessage(events);
      const refused = events.some((e) => e.type === 'request/error' || e.type === 'model/error');
      const outcome = !answered ? 'hang' : bad ? 'crash' : refused ? 'refused' : 'accepted';
      recordOutcome(requests, outcome, ms, () => `${bad ?? 'no answer to the next request'} ← ${show(message)}`);
      if (!answered) break;
    }
    // Let the last run finish or be cancelled before the model swaps below.
    host.raw({ type: 'run/cancel', v: PROTOCOL_VERSION, reqId: ++reqId, runId });
    await probe();

    // Corrupted folders through the protocol: each open fails with model/error naming the file, and
    // the previously opened model is still the current one (acceptance 2 of issue 8).
    const files = tinyFiles(tokenizer);
    const weights = files['model.safetensors'] as Uint8Array;
    for (const [k, ops] of draw(byteMutations(weights.length), Math.round(150 * scale), seed + 1).entries()) {
      const token = `corrupt-${k}`;
      corrupt[token] = memorySource(token, { ...files, 'model.safetensors': applyBytes(weights, ops) });
      const t0 = performance.now();
      const event = await open({ kind: 'folder', token });
      const ms = performance.now() - t0;
      delete corrupt[token];
      await judge(event, ms, `${token}/`, () => show(ops));
    }
    // The same through files a page hands over (Blobs, as the web build's folder picker gives them):
    // the config mangled byte by byte, the weights truncated or flipped, files missing.
    const config = new TextEncoder().encode(files['config.json'] as string);
    const pages = draw(fc.tuple(fc.boolean(), byteMutations(weights.length), fc.subarray(Object.keys(files), { minLength: 1 })), Math.round(100 * scale), seed + 2);
    for (const [configSide, ops, keep] of pages) {
      const mutated = { ...files, ...(configSide ? { 'config.json': applyBytes(config, ops) } : { 'model.safetensors': applyBytes(weights, ops) }) };
      const entries = keep.map((path) => ({ path: `picked/${path}`, blob: new Blob([(mutated as Record<string, unknown>)[path] as BlobPart]) }));
      const t0 = performance.now();
      const event = await open({ kind: 'files', name: 'picked', files: entries });
      const ms = performance.now() - t0;
      await judge(event, ms, 'picked/', () => `${keep.join(',')} ${show(ops)}`);
    }
    // The previous model still runs.
    const from = host.events.length;
    // Hostile run/start messages may have used large run ids; a new run must be newer than all of them.
    const seen = host.events.map((e) => ('runId' in e && typeof e.runId === 'number' ? e.runId : 0));
    const id = Math.max(runId, ...seen) + 1;
    host.raw({ type: 'run/start', v: PROTOCOL_VERSION, reqId: ++reqId, runId: id, spec: { prompt: { kind: 'ids', ids: [4, 5, 6] }, capture: { attention: true, ssm: true, states: false, focus: [], pooledSize: 8, budgetBytes: 1 << 20 }, maxNewTokens: 2, topK: 0 } });
    const ran = await waitFor(host, from, (e) => e.type === 'run/done' && e.runId === id && e.summary.status === 'complete', 10_000);
    if (!ran) recordOutcome(folders, 'crash', 0, () => 'after the corrupted opens, the previous model did not complete a run');
  } finally {
    host.close();
  }
  return [requests, folders];
}
