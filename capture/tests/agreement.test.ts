// The capture package against the engine: for each bundled model, and for each family beyond them
// through its reference fixture (engine/test/fixtures: tiny random checkpoints without a tokenizer,
// run on their token ids), the trace PyTorch/transformers writes (python -m hybridscope_capture
// trace) and the engine's own trace of the same prompt agree. Every record array within 1e-3
// relative error, as max|a − b| / max|b| over the array (b the engine's); the same prompt ids, token
// texts, spans and focus rows; the same record fields and budget notices; the experts each token was
// routed to, exactly; the same generated tokens, answer and score; log-probs within 1e-3. The Python
// trace is read by the engine's reader, and its digest is the one the engine computes from its records.
//
// Python: $HYBRIDSCOPE_PYTHON (.ci/run installs ./capture into tmp/venv-ci and sets it), else that
// venv when present, else python3. Without torch and transformers the suite fails in CI and is skipped elsewhere.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agreeTraces, agreementLine, cliReport, TRACE_CAPTURE, greedyDecoder, loadModel, loadTokenizer, memorySource, openTrace, readTrace, runModel, runSweep, writeRunTrace, type FileSource, type RunSpec } from '../../engine/index';
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

interface BookCase {
  model: string;
  /** Book length in entries, or (tokens) the longest book within that many tokens. */
  entries?: number;
  tokens?: number;
  variant: 'standard' | 'reversed';
  format: 'bare' | 'question';
  seed: number;
  budgetBytes?: number;
}

/** A reference fixture run on its own input_ids.json. */
interface FixtureCase {
  fixture: string;
  budgetBytes?: number;
  /** Generate by a forward per token (the engine's exact decoding) instead of through transformers' cache. */
  recompute?: true;
}

type Case = BookCase | FixtureCase;

const CASES: Case[] = [
  { model: 'hybrid', entries: 16, variant: 'reversed', format: 'bare', seed: 3 },
  { model: 'mamba2', entries: 16, variant: 'standard', format: 'question', seed: 4 },
  { model: 'mamba', entries: 16, variant: 'standard', format: 'question', seed: 5 },
  { model: 'transformer', tokens: 300, variant: 'standard', format: 'bare', seed: 6 },
  // a budget that holds the norms and some arrays: the same ones dropped, with the same notices
  { model: 'hybrid', entries: 16, variant: 'standard', format: 'question', seed: 7, budgetBytes: 400_000 },
  // make-random --tiny: the study's 56-block hybrid pattern with tiny widths and random weights
  { model: RANDOM, entries: 8, variant: 'standard', format: 'question', seed: 1 },
  // the families beyond the bundled four: Mamba-1 with normalised dt/B/C, dense and MoE Granite, Bamba,
  // Falcon-H1's parallel layers (P), Zamba2's shared blocks (S), Jamba (Mamba-1, attention, experts)
  ...['falcon_mamba', 'granitemoehybrid_moe', 'granitemoehybrid_dense', 'bamba', 'falcon_h1', 'jamba'].map((fixture) => ({ fixture })),
  // transformers' one-token Mamba-2 step skips the dt clamp at time_step_min that its prefill (and the
  // engine) applies; a head of this fixture sits below it, so its cached log-probs move by ~5e-3
  { fixture: 'zamba2', recompute: true },
  // a budget that cuts a parallel layer's share: attention is charged before Mamba-2, as the engine does,
  // though transformers runs the Mamba-2 half first
  { fixture: 'falcon_h1', budgetBytes: 10_000 },
  // one that drops Jamba's Mamba-1 arrays and keeps some attention rows and expert routings
  { fixture: 'jamba', budgetBytes: 6_000 },
  // second cases on other paths: 6 experts top-3 stored as BF16, RoPE of an odd rotary width, top-1
  // routing, Zamba2 without adapters or RoPE whose hybrid layers each run their own block
  ...['granitemoehybrid_unseen', 'bamba_unseen', 'jamba_unseen'].map((fixture) => ({ fixture })),
  { fixture: 'zamba2_gqa', recompute: true },
];

const work = mkdtempSync(join(tmpdir(), 'hs-capture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const outOf = (i: number) => join(work, `case${i}.hstrace`);
const dirOf = (model: string) => (model === RANDOM ? join(work, RANDOM) : join(root, 'assets/models', model));
const fixtureDir = (name: string) => join(root, 'engine/test/fixtures', name);
const caseDir = (c: Case) => ('fixture' in c ? fixtureDir(c.fixture) : dirOf(c.model));
const idsOf = (c: FixtureCase) => join(fixtureDir(c.fixture), 'input_ids.json');

const SWEEP = { model: 'mamba2', entries: [4, 24], samples: 4, seed: 2 };
const sweepOut = join(work, 'sweep.json');

/** Every command in one Python process (torch is imported once), through the package's own CLI;
 *  each command's stdout goes to a file. */
function capturePython(): void {
  const commands: [string[], string][] = [[['make-random', dirOf(RANDOM), '--tiny'], join(work, 'random.stdout')]];
  const prompt = (c: Case) => ('fixture' in c ? ['--prompt-ids', idsOf(c), ...(c.recompute ? ['--decode', 'recompute'] : [])]
    : [...(c.tokens ? ['--tokens', String(c.tokens)] : ['--entries', String(c.entries)]), '--variant', c.variant, '--format', c.format, '--seed', String(c.seed)]);
  commands.push(...CASES.map((c, i): [string[], string] => [[
    'trace', caseDir(c), ...prompt(c), '--out', outOf(i), ...(c.budgetBytes ? ['--budget-bytes', String(c.budgetBytes)] : []),
  ], join(work, `case${i}.stdout`)]));
  commands.push([['sweep', join(root, 'assets/models', SWEEP.model), '--entries', SWEEP.entries.join(','), '--samples', String(SWEEP.samples),
    '--seed', String(SWEEP.seed), '--json'], sweepOut]);
  const script = 'import contextlib, json, sys\nfrom hybridscope_capture.__main__ import main\n' +
    'for a, out in json.loads(sys.argv[1]):\n    with open(out, "w") as f, contextlib.redirect_stdout(f):\n        assert main(a) == 0, a';
  execFileSync(python, ['-c', script, JSON.stringify(commands)], { env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 1_200_000 });
}

/** The engine's trace of the same case, in memory. */
async function engineTrace(c: Case): Promise<FileSource> {
  const model = await loadModel(nodeFolderSource(caseDir(c)));
  const spec: RunSpec = {
    prompt: 'fixture' in c ? { kind: 'ids', ids: JSON.parse(readFileSync(idsOf(c), 'utf8')) as number[] }
      : { kind: 'phonebook', seed: c.seed, spec: { ...(c.tokens ? { tokenBudget: c.tokens } : { entries: c.entries }), depth: 0.5, variant: c.variant, format: c.format, fewShot: 2 } },
    capture: c.budgetBytes ? { ...TRACE_CAPTURE, budgetBytes: c.budgetBytes } : TRACE_CAPTURE, maxNewTokens: 32, topK: 5,
  };
  const run = runModel(model, spec, { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
  const chunks: Uint8Array[] = [];
  await writeRunTrace(run, model, spec, (b) => void chunks.push(b.slice()), { name: basename(caseDir(c)), producer: 'engine' });
  const bytes = new Uint8Array(chunks.reduce((n, b) => n + b.length, 0));
  chunks.reduce((at, b) => (bytes.set(b, at), at + b.length), 0);
  return memorySource('engine', { 'engine.hstrace': bytes });
}

describe.skipIf(!hasTorch)('the capture package agrees with the engine', () => {
  let ready: Promise<void> | undefined;
  const captured = () => (ready ??= Promise.resolve().then(capturePython));

  CASES.forEach((c, i) => {
    const prompt = 'fixture' in c ? `fixture ${c.fixture}, its input ids` : `${c.model}, ${c.tokens ? `${c.tokens} tokens` : `${c.entries} entries`} ${c.format}/${c.variant}`;
    const what = `${prompt}${c.budgetBytes ? `, a ${c.budgetBytes}-byte budget` : ''}`;
    it(what, { timeout: 1_500_000 }, async () => {
      await captured();
      const en = await engineTrace(c);
      const pySrc = nodeFolderSource(work);
      // header, record fields, budget notices, tokens and answer exactly; arrays and log-probs within
      // TOL; each file's digest against its records (engine/trace/agree.ts, `hybridscope agree`)
      const r = await agreeTraces(await openTrace(pySrc, `case${i}.hstrace`), await openTrace(en, 'engine.hstrace'));
      console.log(`capture agreement, ${what}: ${agreementLine(r, TOL)}`);
      expect(r.mismatches).toEqual([]);
      expect(r.worst.err).toBeLessThanOrEqual(TOL);
      expect(r.logprobErr).toBeLessThanOrEqual(TOL);
      expect(r.records).toBeGreaterThan(0);
      if (c.budgetBytes) expect(r.dropped).toBeGreaterThan(0);
      // the MoE routing, value for value
      const [py, eng] = [await readTrace(pySrc, `case${i}.hstrace`), await readTrace(en, 'engine.hstrace')];
      eng.records.forEach((e, k) => e.moe && expect(Array.from(py.records[k].moe!.experts.data)).toEqual(Array.from(e.moe.experts.data)));
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
