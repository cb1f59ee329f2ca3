// End to end with a real byte-level BPE tokenizer: `node bin/hybridscope.mjs phonebook` and the run
// pipeline on a random-weight Llama of GPT-2's vocabulary (50,257) with GPT-2's tokenizer.json, whose
// planted bigram chain (engine/test/chain-llama.ts) writes a chosen answer in multi-digit tokens
// (" 6", "123", "45", …, "\n"). Greedy decoding must stop at the newline token and the scorer count
// exact and per-digit accuracy on the decoded text. transformers generates the same ids from the same
// folder (Python as in engine/tokenizer-bpe.test.ts: skipped without it, failing in CI).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../io/checkpoint';
import { makePhonebook, type PhonebookPrompt } from '../../phonebook/generate';
import { deriveSeed } from '../../phonebook/prng';
import { scoreAnswer } from '../../phonebook/score';
import { runModel, type RunSpec } from '../../run';
import { writeChainLlama } from '../../test/chain-llama';
import { gpt2Tokenizer, writeGpt2Tokenizer } from '../../test/gpt2-tokenizer';
import { loadTokenizer } from '../../tokenizer';
import { nodeFolderSource } from '../node-files';

const root = mkdtempSync(join(tmpdir(), 'hs-bpe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const { tokenizer, config } = gpt2Tokenizer();
const tok = loadTokenizer(tokenizer, config);
const V = tok.vocabSize;
const ENTRIES = 6;

/** Sample 0 of `hybridscope phonebook --entries 6 --format bare --seed S` (sweep.ts: seed deriveSeed(S, 0)). */
const sampleOf = (seed: number) => makePhonebook({ format: 'bare', variant: 'standard', entries: ENTRIES, depth: null, shots: 2 }, deriveSeed(seed, 0), tok);

// the first seed whose prompt end and answer tokens are all different tokens (a bigram chain can't repeat one)
let seed = 1;
let prompt: PhonebookPrompt;
let completion: number[];
for (;; seed++) {
  prompt = sampleOf(seed);
  completion = tok.encode(prompt.completion).ids;
  if (new Set([prompt.tokens!.ids.at(-1)!, ...completion]).size === completion.length + 1) break;
}
// the same answer with the last digit of its last number token changed: one digit wrong
const last = completion.length - 2;
const lastText = tok.decode([completion[last]]);
const wrongId = tok.tokenToId(lastText.slice(0, -1) + String((Number(lastText.at(-1)) + 1) % 10))!;
const wrongCompletion = completion.map((id, i) => (i === last ? wrongId : id));

function folder(name: string, answer: number[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeChainLlama(dir, V, [prompt.tokens!.ids.at(-1)!, ...answer]);
  writeGpt2Tokenizer(dir);
  return dir;
}
const right = folder('right', completion);
const wrong = folder('wrong', wrongCompletion);

function cli(args: string[]): string {
  const r = spawnSync('node', ['bin/hybridscope.mjs', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('the phonebook with GPT-2\'s tokenizer, end to end', () => {
  it('plants an answer of multi-digit tokens, the first carrying the leading space', () => {
    expect(completion.length).toBeLessThan(prompt.completion.length - 2);
    expect(tok.decode([completion[0]])).toMatch(/^ \d+$/);
    expect(tok.decode(wrongCompletion)).not.toBe(prompt.completion);
    expect(scoreAnswer(tok.decode(wrongCompletion), prompt.answer).digitsRight).toBe(9);
  });

  it('hybridscope phonebook: stops at the newline token and scores exact and per-digit accuracy', { timeout: 120_000 }, () => {
    const args = ['--entries', String(ENTRIES), '--samples', '1', '--seed', String(seed), '--format', 'bare', '--quiet'];
    const good = JSON.parse(cli(['phonebook', right, ...args, '--json']));
    expect(good.results).toMatchObject([{ entries: ENTRIES, samples: 1, accuracy: 1, digit_accuracy: 1, mean_tokens: prompt.tokens!.ids.length }]);
    const bad = JSON.parse(cli(['phonebook', wrong, ...args, '--json']));
    expect(bad.results).toMatchObject([{ entries: ENTRIES, samples: 1, accuracy: 0, digit_accuracy: 0.9 }]);

    const all = JSON.parse(cli(['phonebook', right, ...args, '--out', '-']));
    const [s] = all.samples;
    expect(s).toMatchObject({ answer: prompt.answer, target: prompt.target, generated: prompt.completion, exact: true, digitsRight: 10 });
    expect(s.generatedIds).toEqual(completion); // the newline token ended it, before the bound of completion + 4
    const w = JSON.parse(cli(['phonebook', wrong, ...args, '--out', '-'])).samples[0];
    expect(w).toMatchObject({ generated: tok.decode(wrongCompletion), exact: false, digitsRight: 9, retrieved: null });
    expect(w.generatedIds).toEqual(wrongCompletion);
  });

  it('the run pipeline: a phonebook run stops after the newline and scores the planted answer against its own prompt', async () => {
    const model = await loadModel(nodeFolderSource(right));
    const spec: RunSpec = {
      prompt: { kind: 'phonebook', seed: 4, spec: { entries: 9, depth: 0.5, variant: 'standard', format: 'question', fewShot: 2 } },
      capture: { defaults: false, keepContext: false }, maxNewTokens: 32, topK: 3,
    };
    const run = runModel(model, spec, { pause: async () => undefined, stopped: () => null, now: () => performance.now() });
    const tokens: { id: number; text: string; top: { text: string }[] }[] = [];
    let next = await run.next();
    for (; !next.done; next = await run.next()) if (next.value.type === 'token') tokens.push(next.value);
    const summary = next.value;
    // the prompt ends "Answer:" like the bare one's "Name:", so the chain writes the planted number
    expect(summary.generatedIds).toEqual(completion);
    expect(summary.generatedText).toBe(prompt.completion);
    expect(tokens.map((t) => t.text)).toEqual(completion.map((id) => tok.decode([id])));
    expect(tokens[0].top[0].text).toBe(tok.decode([completion[0]])); // alternatives as text, not byte-level symbols
    const expected = makePhonebook({ format: 'question', variant: 'standard', entries: 9, depth: 0.5, shots: 2 }, 4).answer;
    const score = scoreAnswer(prompt.completion, expected);
    expect(summary).toMatchObject({ expected, exact: score.exact, digitAccuracy: score.digitAccuracy });
  });
});

const ciVenv = 'tmp/venv-ci/bin/python';
const python = process.env.HYBRIDSCOPE_PYTHON ?? (existsSync(ciVenv) ? ciVenv : 'python3');
const hasTorch = spawnSync(python, ['-c', 'import torch, transformers'], { encoding: 'utf8' }).status === 0;
if (!hasTorch && process.env.CI) throw new Error(`phonebook-bpe: ${python} cannot import torch and transformers (.ci/run sets HYBRIDSCOPE_PYTHON)`);

describe.skipIf(!hasTorch)('the same folder in transformers', () => {
  it('LlamaForCausalLM and PreTrainedTokenizerFast give the prompt\'s ids and the same greedy answer', { timeout: 300_000 }, () => {
    const script = [
      'import json, sys, torch',
      'from transformers import LlamaForCausalLM, PreTrainedTokenizerFast',
      'd, text, n = json.load(sys.stdin)',
      'tok = PreTrainedTokenizerFast(tokenizer_file=d + "/tokenizer.json")',
      'model = LlamaForCausalLM.from_pretrained(d, dtype=torch.float32).eval()',
      'ids = tok(text, add_special_tokens=False)["input_ids"]',
      'with torch.no_grad():',
      '    out = model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False, eos_token_id=None, pad_token_id=0)',
      'print(json.dumps([ids, out[0, len(ids):].tolist()]))',
    ].join('\n');
    for (const [dir, answer] of [[right, completion], [wrong, wrongCompletion]] as const) {
      const input = JSON.stringify([dir, prompt.text, answer.length]);
      const [ids, generated] = JSON.parse(execFileSync(python, ['-c', script], { input, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } }));
      expect(ids).toEqual(prompt.tokens!.ids);
      expect(generated).toEqual(answer);
    }
  });
});
