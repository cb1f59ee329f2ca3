// The reversed puzzle: a quarter of the training books name the asked entry first, yet the pure SSMs
// are no better on reversed prompts. Does the request line change what the state keeps?
//
//   npx tsx studies/reversed.ts [--entries 32] [--samples 200] [--seed 1000000] [--models mamba2,mamba]
//
// Per sample k (the sweep's book for seed deriveSeed(seed, k)), three prompts that differ only in the
// request line before the book, all asking the same target Q at the end:
//   none   — the standard prompt (no request line);
//   same   — the reversed prompt: the request names Q;
//   decoy  — the reversed prompt with the request naming another entry R of the book (not a look-up).
// If the state kept the requested entry preferentially, same > none > decoy on Q, and decoy answers
// would copy R's number. Measured: greedy exact match, digits right (positionwise), answers that are
// R's number; and teacher-forced: the share of Q's digits that are the argmax given the true digits
// before them, and their mean log-probability — a finer reading of what the state holds at the query.
// Also by target depth (thirds of the book), to see where the entry is lost.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveSeed, forward, generateGreedy, installFastKernels, loadModel, makePhonebook, newlineStopper, scoreInBook, type Model, type PhonebookPrompt } from '../engine/index';
import { nodeFolderSource } from '../engine/cli/node';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '32' }, samples: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1000000' }, models: { type: 'string', default: 'mamba2,mamba,hybrid,transformer' },
    format: { type: 'string', default: 'question' },
  },
});
const entries = Number(values.entries);
const samples = Number(values.samples);
const seed = Number(values.seed);
const format = values.format as 'question' | 'bare';
type Condition = 'none' | 'same' | 'decoy';
const CONDITIONS: Condition[] = ['none', 'same', 'decoy'];

interface Case { text: string; prompt: PhonebookPrompt; decoy: number }

/** The three prompts of sample k. The decoy is drawn from the entries that are neither Q nor a look-up. */
function cases(model: Model, k: number): Record<Condition, Case> {
  const s = deriveSeed(seed, k);
  const std = makePhonebook({ format, variant: 'standard', entries }, s, model.tokenizer);
  const rev = makePhonebook({ format, variant: 'reversed', entries }, s, model.tokenizer);
  if (rev.answer !== std.answer || rev.target !== std.target) throw new Error('reversed and standard books differ');
  const free = rev.entries.map((_, i) => i).filter((i) => i !== rev.target && !rev.examples.includes(i));
  const decoy = free[(k * 7919) % free.length];
  const [a, b] = rev.request!;
  const request = rev.text.slice(a, b).replace(rev.entries[rev.target].name, rev.entries[decoy].name);
  const decoyText = rev.text.slice(0, a) + request + rev.text.slice(b);
  return { none: { text: std.text, prompt: std, decoy }, same: { text: rev.text, prompt: rev, decoy }, decoy: { text: decoyText, prompt: rev, decoy } };
}

interface Tally { each: boolean[]; n: number; exact: number; digits: number; copiesDecoy: number; tfDigits: number; tfLogp: number; byThird: [number, number][] }
const tally = (): Tally => ({ each: [], n: 0, exact: 0, digits: 0, copiesDecoy: 0, tfDigits: 0, tfLogp: 0, byThird: [[0, 0], [0, 0], [0, 0]] });

function measure(model: Model, c: Case, t: Tally): void {
  const tok = model.tokenizer!;
  const ids = tok.encode(c.text).ids;
  const stop = newlineStopper(tok);
  const g = generateGreedy(model, ids, 16, { stopAt: stop, topK: 0 });
  const text = tok.decode(g.tokens.map((x) => x.id));
  const score = scoreInBook(text, c.prompt.answer, c.prompt.entries, c.prompt.target);
  const digitsOf = (s: string) => s.replace(/[^0-9]/g, '');
  t.n++;
  t.exact += score.exact ? 1 : 0;
  t.each.push(score.exact);
  t.digits += score.digitAccuracy;
  if (digitsOf(text.split('\n')[0]) === digitsOf(c.prompt.entries[c.decoy].number)) t.copiesDecoy++;
  const third = Math.min(2, Math.floor((3 * c.prompt.target) / entries));
  t.byThird[third][0]++;
  t.byThird[third][1] += score.exact ? 1 : 0;
  // teacher forcing over prompt + completion: the answer's digit tokens given the true prefix
  const full = tok.encode(c.text + c.prompt.completion);
  const logits = forward(model, full.ids).logits;
  const V = logits.shape[1];
  const start = c.text.length;
  let right = 0, logp = 0, count = 0;
  for (let p = 1; p < full.ids.length; p++) {
    const [a] = full.offsets[p];
    const ch = (c.text + c.prompt.completion)[a];
    if (a < start || !(ch >= '0' && ch <= '9')) continue;
    const row = logits.data.subarray((p - 1) * V, p * V);
    let best = 0, max = -Infinity;
    for (let v = 0; v < V; v++) if (row[v] > max) { max = row[v]; best = v; }
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(row[v] - max);
    logp += row[full.ids[p]] - max - Math.log(sum);
    right += best === full.ids[p] ? 1 : 0;
    count++;
  }
  t.tfDigits += right / count;
  t.tfLogp += logp / count;
}

/** Paired comparison of two conditions on the same books: discordant pairs and McNemar's exact two-sided p. */
function mcnemar(a: boolean[], b: boolean[]): string {
  let onlyA = 0, onlyB = 0;
  a.forEach((x, i) => { if (x && !b[i]) onlyA++; if (!x && b[i]) onlyB++; });
  const n = onlyA + onlyB, k = Math.min(onlyA, onlyB);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(lnChoose(n, i) - n * Math.LN2);
  return `${onlyA} vs ${onlyB} discordant, p = ${Math.min(1, 2 * tail).toFixed(3)}`;
}
function lnChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/** Wilson 95 % interval of k successes in n, in percent. */
function wilson(k: number, n: number): string {
  const z = 1.96, p = k / n, d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d, h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return `${(100 * p).toFixed(1)} [${(100 * (c - h)).toFixed(1)}, ${(100 * (c + h)).toFixed(1)}]`;
}

async function main(): Promise<void> {
  await installFastKernels();
  console.log(`entries ${entries}, ${format} format, ${samples} samples, seed ${seed}`);
  console.log('model | condition | exact % [95 %] | digits right % | answers = decoy\'s number | teacher-forced digits % | mean log p(digit) | exact by depth third (first · middle · last)');
  for (const id of String(values.models).split(',')) {
    const model = await loadModel(nodeFolderSource(resolve('assets/models', id)));
    const t: Record<Condition, Tally> = { none: tally(), same: tally(), decoy: tally() };
    for (let k = 0; k < samples; k++) {
      const cs = cases(model, k);
      for (const c of CONDITIONS) measure(model, cs[c], t[c]);
    }
    for (const c of CONDITIONS) {
      const x = t[c];
      const thirds = x.byThird.map(([n, e]) => `${e}/${n}`).join(' · ');
      console.log(`${id} | ${c} | ${wilson(x.exact, x.n)} | ${(100 * x.digits / x.n).toFixed(1)} | ${x.copiesDecoy} | ${(100 * x.tfDigits / x.n).toFixed(1)} | ${(x.tfLogp / x.n).toFixed(3)} | ${thirds}`);
    }
    console.log(`${id}: same vs none ${mcnemar(t.same.each, t.none.each)}; same vs decoy ${mcnemar(t.same.each, t.decoy.each)}`);
  }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
