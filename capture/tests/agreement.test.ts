// The capture package against the engine: for each bundled model, the trace PyTorch/transformers
// writes (python -m hybridscope_capture trace) and the engine's own trace of the same prompt agree.
// Every record array within 1e-3 relative error, as max|a − b| / max|b| over the array (b the
// engine's); the same prompt ids, token texts, spans and focus rows; the same record fields and
// budget notices; the same generated tokens, answer and score; log-probs within 1e-3. The Python
// trace is read by the engine's reader, and its digest is the one the engine computes from its records.
//
// Python: $HYBRIDSCOPE_PYTHON (.ci/run installs ./capture into tmp/venv-ci and sets it), else that
// venv when present, else python3. Without torch and transformers the suite fails in CI and is skipped elsewhere.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliReport, Digest, TRACE_CAPTURE, greedyDecoder, loadModel, loadTokenizer, memorySource, readTrace, recordArrays, runModel, runSweep, writeRunTrace, type LayerRecord, type RunSpec, type Trace } from '../../engine/index';
import { nodeFolderSource } from '../../engine/cli/node';
import { phonebookPrompt, preparePrompt, type PhonebookPromptSpec } from '../../engine/prompt';
import type { Model } from '../../engine/model';
import { gpt2Tokenizer, writeGpt2Tokenizer } from '../../engine/test/gpt2-tokenizer';

const root = new URL('../..', import.meta.url).pathname;
const ciVenv = join(root, 'tmp/venv-ci/bin/python'); // made by .ci/run
const python = process.env.HYBRIDSCOPE_PYTHON ?? (existsSync(ciVenv) ? ciVenv : 'python3');
// one thread: the models are tiny, and on a busy machine idle OpenMP threads spin
const env = { ...process.env, PYTHONPATH: join(root, 'capture'), OMP_NUM_THREADS: '1' };
const probe = spawnSync(python, ['-c', 'import torch, transformers, numpy, safetensors'], { env, encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch && process.env.CI) {
  throw new Error(`capture agreement: ${python} cannot import torch and transformers (${(probe.stderr ?? String(probe.error)).trim().split('\n').pop()}); .ci/run installs ./capture into a virtual environment and sets HYBRIDSCOPE_PYTHON`);
}
if (!hasTorch) console.warn(`capture agreement: skipped, ${python} has no torch/transformers (set HYBRIDSCOPE_PYTHON; CI fails instead)`);

const TOL = 1e-3;
const TEXT = 'Ann Lee: 612-555-0199\nWhat is the phone number for Ann Lee?\nAnswer:';

const RANDOM = 'random-tiny';

interface Case {
  model: string;
  /** Book length in entries, or (tokens) the longest book within that many tokens. */
  entries?: number;
  tokens?: number;
  variant: 'standard' | 'reversed';
  format: 'bare' | 'question';
  seed: number;
  budgetBytes?: number;
}

const CASES: Case[] = [
  { model: 'hybrid', entries: 16, variant: 'reversed', format: 'bare', seed: 3 },
  { model: 'mamba2', entries: 16, variant: 'standard', format: 'question', seed: 4 },
  { model: 'mamba', entries: 16, variant: 'standard', format: 'question', seed: 5 },
  { model: 'transformer', tokens: 300, variant: 'standard', format: 'bare', seed: 6 },
  // a budget that holds the norms and some arrays: the same ones dropped, with the same notices
  { model: 'hybrid', entries: 16, variant: 'standard', format: 'question', seed: 7, budgetBytes: 400_000 },
  // make-random --tiny: the study's 56-block hybrid pattern with tiny widths and random weights
  { model: RANDOM, entries: 8, variant: 'standard', format: 'question', seed: 1 },
];

const work = mkdtempSync(join(tmpdir(), 'hs-capture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const outOf = (i: number) => join(work, `case${i}.hstrace`);
const dirOf = (model: string) => (model === RANDOM ? join(work, RANDOM) : join(root, 'assets/models', model));

const SWEEP = { model: 'mamba2', entries: [4, 24], samples: 4, seed: 2 };
const sweepOut = join(work, 'sweep.json');

/** Every command in one Python process (torch is imported once), through the package's own CLI;
 *  each command's stdout goes to a file. */
function capturePython(): void {
  const commands: [string[], string][] = [[['make-random', dirOf(RANDOM), '--tiny'], join(work, 'random.stdout')]];
  commands.push(...CASES.map((c, i): [string[], string] => [[
    'trace', dirOf(c.model), ...(c.tokens ? ['--tokens', String(c.tokens)] : ['--entries', String(c.entries)]), '--variant', c.variant, '--format', c.format,
    '--seed', String(c.seed), '--out', outOf(i), ...(c.budgetBytes ? ['--budget-bytes', String(c.budgetBytes)] : []),
  ], join(work, `case${i}.stdout`)]));
  commands.push([['sweep', join(root, 'assets/models', SWEEP.model), '--entries', SWEEP.entries.join(','), '--samples', String(SWEEP.samples),
    '--seed', String(SWEEP.seed), '--json'], sweepOut]);
  const script = 'import contextlib, json, sys\nfrom hybridscope_capture.__main__ import main\n' +
    'for a, out in json.loads(sys.argv[1]):\n    with open(out, "w") as f, contextlib.redirect_stdout(f):\n        assert main(a) == 0, a';
  execFileSync(python, ['-c', script, JSON.stringify(commands)], { env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 1_200_000 });
}

async function engineTrace(c: Case): Promise<Trace> {
  const model = await loadModel(nodeFolderSource(dirOf(c.model)));
  const spec: RunSpec = {
    prompt: { kind: 'phonebook', seed: c.seed, spec: { ...(c.tokens ? { tokenBudget: c.tokens } : { entries: c.entries }), depth: 0.5, variant: c.variant, format: c.format, fewShot: 2 } },
    capture: c.budgetBytes ? { ...TRACE_CAPTURE, budgetBytes: c.budgetBytes } : TRACE_CAPTURE, maxNewTokens: 32, topK: 5,
  };
  const run = runModel(model, spec, { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
  const chunks: Uint8Array[] = [];
  await writeRunTrace(run, model, spec, (b) => void chunks.push(b.slice()), { name: c.model, producer: 'engine' });
  const bytes = new Uint8Array(chunks.reduce((n, b) => n + b.length, 0));
  chunks.reduce((at, b) => (bytes.set(b, at), at + b.length), 0);
  return readTrace(memorySource('engine', { t: bytes }), 't');
}

/** The record without its arrays and timing: what must be equal exactly. */
function fields(value: unknown): unknown {
  if (value instanceof Float32Array) return `f32[${value.length}]`;
  if (Array.isArray(value)) return value.map(fields);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'ms').map(([k, v]) => [k, fields(v)]));
}

function relError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / scale;
}

describe.skipIf(!hasTorch)('the capture package agrees with the engine', () => {
  let ready: Promise<void> | undefined;
  const captured = () => (ready ??= Promise.resolve().then(capturePython));

  CASES.forEach((c, i) => {
    const what = `${c.model}, ${c.tokens ? `${c.tokens} tokens` : `${c.entries} entries`} ${c.format}/${c.variant}${c.budgetBytes ? `, a ${c.budgetBytes}-byte budget` : ''}`;
    it(what, { timeout: 1_500_000 }, async () => {
      await captured();
      const py = await readTrace(nodeFolderSource(work), `case${i}.hstrace`);
      const en = await engineTrace(c);

      const { producer: _p, ...pyHead } = py.header;
      const { producer: _e, ...enHead } = en.header;
      expect(pyHead).toEqual(enHead); // model, layout, prompt ids, tokens, entry spans, focus rows, capture spec

      expect(py.records.length).toBe(en.records.length);
      let worst = { err: 0, at: '' };
      let dropped = 0;
      py.records.forEach((r: LayerRecord, k) => {
        const e = en.records[k];
        expect(fields(r)).toEqual(fields(e));
        const ea = new Map(recordArrays(e).map((x) => [x.path, x.data]));
        for (const { path, data } of recordArrays(r)) {
          const err = relError(data, ea.get(path)!);
          if (err > worst.err) worst = { err, at: `layer ${k} ${path}` };
        }
        dropped += e.notices?.length ?? 0;
      });
      console.log(`capture agreement, ${what}: worst max|a-b|/max|b| ${worst.err.toExponential(2)} at ${worst.at}; ${dropped} arrays dropped by the budget in both`);
      expect(worst.err).toBeLessThanOrEqual(TOL);
      if (c.budgetBytes) expect(dropped).toBeGreaterThan(0);

      expect(py.tokens.map((t) => [t.id, t.text, t.top.map((a) => [a.id, a.text])])).toEqual(en.tokens.map((t) => [t.id, t.text, t.top.map((a) => [a.id, a.text])]));
      py.tokens.forEach((t, k) => {
        expect(Math.abs(t.logprob - en.tokens[k].logprob)).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(en.tokens[k].logprob)));
        t.top.forEach((a, j) => expect(Math.abs(a.logprob - en.tokens[k].top[j].logprob)).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(en.tokens[k].top[j].logprob))));
      });
      const { timings: _t1, recordsDigest: pyDigest, ...pySum } = py.summary;
      const { timings: _t2, recordsDigest: _d, ...enSum } = en.summary;
      expect(pySum).toEqual(enSum); // answer, score, layout, captureBytes
      const digest = new Digest();
      for (const r of py.records) digest.addRecord(r);
      expect(pyDigest).toBe(digest.hex());
    });
  });

  it(`sweeps ${SWEEP.model} to the CLI's JSON report with the engine's answers and scores`, { timeout: 1_500_000 }, async () => {
    await captured();
    const dir = join(root, 'assets/models', SWEEP.model);
    const model = await loadModel(nodeFolderSource(dir));
    const result = await runSweep({
      models: [{ id: dir, layout: model.layout, tokenizer: model.tokenizer!, decode: greedyDecoder(model) }],
      lengths: SWEEP.entries.map((entries) => ({ entries })), formats: ['question'], variants: ['standard'], depths: [null],
      samples: SWEEP.samples, seed: SWEEP.seed, shots: 2,
    });
    const report = cliReport(result, { model: dir, layout: model.layout, variant: 'standard', format: 'question', depth: null });
    expect(JSON.parse(readFileSync(sweepOut, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it("passes the package's own unit tests (probes against naive twins, the trace file, the digest)", { timeout: 300_000 }, () => {
    const r = spawnSync(python, ['-m', 'unittest', 'discover', '-s', join(root, 'capture/tests'), '-p', 'test_*.py'], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('takes free text and the prompt of an engine trace (--like) as the engine does, and says what is wrong in one line', { timeout: 600_000 }, async () => {
    const en = join(work, 'engine.hstrace');
    execFileSync('node', [join(root, 'bin/hybridscope.mjs'), 'trace', join(root, 'assets/models/transformer'), '--text', TEXT, '--max-new-tokens', '4', '--out', en], { stdio: 'ignore' });
    const out = join(work, 'like.hstrace');
    const model = join(root, 'assets/models/transformer');
    const commands = [['trace', model, '--like', en, '--out', out], ['trace', model, '--text', TEXT, '--max-new-tokens', '4', '--out', join(work, 'text.hstrace')]];
    const script = 'import json, sys\nfrom hybridscope_capture.__main__ import main\nfor a in json.loads(sys.argv[1]):\n    assert main(a) == 0, a';
    execFileSync(python, ['-c', script, JSON.stringify(commands)], { env, stdio: 'ignore' });
    const read = (name: string) => readTrace(nodeFolderSource(work), name);
    const [like, text, b] = [await read('like.hstrace'), await read('text.hstrace'), await read('engine.hstrace')];
    expect(like.header.prompt).toEqual(b.header.prompt);
    expect(text.header.prompt).toEqual(b.header.prompt); // the free text tokenized as the engine does
    expect([like.header.maxNewTokens, like.summary.generatedIds, text.summary.generatedText]).toEqual([4, b.summary.generatedIds, b.summary.generatedText]);

    const bad = spawnSync(python, ['-m', 'hybridscope_capture', 'trace', join(root, 'assets/models/transformer'), '--entries', 'x', '--out', out], { env, encoding: 'utf8' });
    expect([bad.status, bad.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(bad.stderr).toContain('--entries must be an integer');
    expect(readFileSync(out).subarray(0, 7).toString()).toBe('HSTRACE');
  });
});

// A real byte-level BPE tokenizer (GPT-2's vocabulary and merges; engine/test/gpt2-tokenizer.ts), where
// digits merge into multi-digit tokens: the package builds the engine's prompts from it, token for token.
describe.skipIf(!hasTorch)("the capture package's prompts under GPT-2's byte-level BPE", () => {
  it('are the engine\'s: phonebooks by entries and by token budget, and free text (ids, token texts, entry spans, focus rows)', () => {
    const dir = join(work, 'gpt2');
    mkdirSync(dir);
    writeGpt2Tokenizer(dir);
    const tok = loadTokenizer(gpt2Tokenizer().tokenizer, gpt2Tokenizer().config);
    const specs: [PhonebookPromptSpec, number][] = [];
    for (const format of ['bare', 'question'] as const)
      for (const variant of ['standard', 'reversed'] as const) {
        specs.push([{ entries: 14, depth: 0.3, variant, format, fewShot: 2 }, 11]);
        specs.push([{ tokenBudget: 700, depth: 1, variant, format, fewShot: 3 }, 12]);
      }
    const texts = ['Ann Lee: 612-555-0199\nWhat is the phone number for Ann Lee?\nAnswer:', 'héllo 🙂 wörld  \n\n x 6123456789', ' 555 5555\t\r\n<|endoftext|>'];
    const script = [
      'import json, sys',
      'from hybridscope_capture import prompt as P',
      'from hybridscope_capture.tokenizer import EngineTokenizer',
      'd, specs, texts = json.load(sys.stdin)',
      'tok = EngineTokenizer(d)',
      'books = [P.phonebook_prompt(tok, s["format"], s["variant"], s.get("entries"), s.get("tokenBudget"), s["depth"], s["fewShot"], seed) for s, seed in specs]',
      'print(json.dumps([books, [P.text_prompt(tok, t) for t in texts], [[tok.decode([i]) for i in b["ids"][-40:]] for b in books]]))',
    ].join('\n');
    const [books, free, pieces] = JSON.parse(execFileSync(python, ['-c', script], { env, input: JSON.stringify([dir, specs, texts]), encoding: 'utf8', maxBuffer: 1 << 26 }));
    const plain = (p: { ids: Int32Array }) => JSON.parse(JSON.stringify({ ...p, ids: [...p.ids] }));
    specs.forEach(([spec, seed], i) => {
      const en = phonebookPrompt(tok, spec, seed);
      expect(books[i], JSON.stringify(spec)).toEqual(plain(en));
      expect(pieces[i]).toEqual([...en.ids.slice(-40)].map((id) => tok.decode([id])));
    });
    const model = { embeddings: { V: tok.vocabSize }, tokenizer: tok } as unknown as Model;
    texts.forEach((text, i) => expect(free[i]).toEqual(plain(preparePrompt(model, { kind: 'text', text }))));
  });
});
