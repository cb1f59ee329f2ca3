// Where a hybrid's attention block looks while the answer is written: the attention-position ablation
// (hybrid-first, block 0; the shipped hybrid, block 3; hybrid-late, block 6) read at the answer's digits.
//
//   npx tsx studies/attention-reads.ts [--entries 8,32] [--samples 100] [--seed 1000000] [--models hybrid-first,hybrid,hybrid-late]
//
// Per sample k (the sweep's book for seed deriveSeed(seed, k), bare and standard), the prompt and its
// true completion run as one teacher-forced sequence; at every position that predicts an answer digit,
// the attention probabilities of each head (the models' only attention block) are split over where they
// land: the target entry's digit that this answer digit copies (the copy source), the rest of the target
// entry (its name and other digits), other entries' numbers, other entries' names, the look-up lines
// (the few-shot questions and their answers, copies of other entries), the answer digits already written,
// and the rest (separators, the query). Printed: each share averaged over heads and positions; the
// same shares for attention spread evenly over the prefix (each place's share of the tokens), the
// baseline a block that looks nowhere in particular gives; where the head-averaged row peaks; and, per
// head, its mean mass on the target entry, for the head with the most (which head). A block that recalls
// by copying puts its mass on the copy source; one that cannot tell the asked entry from the others
// stays near the even baseline.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveSeed, forward, installFastKernels, loadModel, makePhonebook, type Model } from '../engine/index';
import { nodeFolderSource } from '../engine/cli/node';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '8,32' }, samples: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1000000' }, models: { type: 'string', default: 'hybrid-first,hybrid,hybrid-late' },
  },
});
const samples = Number(values.samples);
const seed = Number(values.seed);

type Place = 'copy' | 'target' | 'otherNumber' | 'otherName' | 'lookup' | 'written' | 'rest';
const PLACES: Place[] = ['copy', 'target', 'otherNumber', 'otherName', 'lookup', 'written', 'rest'];
const none = (): Record<Place, number> => ({ copy: 0, target: 0, otherNumber: 0, otherName: 0, lookup: 0, written: 0, rest: 0 });

interface Tally { positions: number; mass: Record<Place, number>; even: Record<Place, number>; peak: Record<Place, number>; headOnTarget: number[] }
const tally = (): Tally => ({ positions: 0, mass: none(), even: none(), peak: none(), headOnTarget: [] });

function isDigit(model: Model, id: number): boolean {
  return /^\s?[0-9]$/.test(model.tokenizer!.decode([id]));
}

function measure(model: Model, entries: number, k: number, t: Tally): void {
  const tok = model.tokenizer!;
  const p = makePhonebook({ format: 'bare', variant: 'standard', entries }, deriveSeed(seed, k), tok);
  const prompt = p.tokens!;
  const ids = tok.encode(p.text + p.completion).ids;
  if (prompt.ids.some((id, i) => ids[i] !== id)) throw new Error(`sample ${k}: the completion changes the prompt's tokens`);
  const res = forward(model, ids, { defaults: false }, { outputs: { attentions: true } });
  const maps = Object.values(res.attentions ?? {});
  if (maps.length !== 1) throw new Error(`${maps.length} attention blocks: this study reads a hybrid with one`);
  const A = maps[0];
  const [H, T] = [A.shape[0], A.shape[1]];
  const target = prompt.entries[p.target];
  const sources: number[] = [];
  for (let s = target.numberSpan[0]; s < target.numberSpan[1]; s++) if (isDigit(model, ids[s])) sources.push(s);
  const place = new Array<Place>(T).fill('rest');
  for (const e of prompt.entries) {
    for (let s = e.nameSpan[0]; s < e.nameSpan[1]; s++) place[s] = e === target ? 'target' : 'otherName';
    for (let s = e.numberSpan[0]; s < e.numberSpan[1]; s++) place[s] = e === target ? 'target' : 'otherNumber';
  }
  for (const l of prompt.lookups) for (let s = l.span[0]; s < l.span[1]; s++) place[s] = 'lookup';
  for (let s = prompt.ids.length; s < T; s++) place[s] = 'written';
  let d = 0;
  for (let q = prompt.ids.length - 1; q < ids.length - 1; q++) {
    if (!isDigit(model, ids[q + 1])) continue;
    const where = place.slice();
    where[sources[d++]] = 'copy';
    const mean = new Float64Array(q + 1);
    for (let h = 0; h < H; h++) {
      let onTarget = 0;
      for (let s = 0; s <= q; s++) {
        const v = A.data[(h * T + q) * T + s];
        mean[s] += v / H;
        if (where[s] === 'copy' || where[s] === 'target') onTarget += v;
      }
      t.headOnTarget[h] = (t.headOnTarget[h] ?? 0) + onTarget;
    }
    let peak = 0;
    for (let s = 0; s <= q; s++) {
      t.mass[where[s]] += mean[s];
      t.even[where[s]] += 1 / (q + 1);
      if (mean[s] > mean[peak]) peak = s;
    }
    t.peak[where[peak]]++;
    t.positions++;
  }
  if (d !== sources.length) throw new Error(`sample ${k}: ${d} answer digits, the entry has ${sources.length}`);
}

async function main(): Promise<void> {
  installFastKernels();
  const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}`.padStart(5);
  console.log('model         entries positions | % mean over heads, then (evenly spread): copy source, rest of target, other numbers, other names, look-ups, written answer, rest | row peak at %: same seven | head with the most on the target entry: its mean %');
  for (const id of values.models!.split(',')) {
    const model = await loadModel(nodeFolderSource(resolve('assets/models', id)));
    for (const entries of values.entries!.split(',').map(Number)) {
      const t = tally();
      for (let k = 0; k < samples; k++) measure(model, entries, k, t);
      const n = t.positions;
      const best = t.headOnTarget.indexOf(Math.max(...t.headOnTarget));
      const shares = PLACES.map((p) => `${pct(t.mass[p], n)} (${pct(t.even[p], n).trim()})`).join(' ');
      console.log(`${id.padEnd(13)} ${String(entries).padStart(7)} ${String(n).padStart(9)} | ${shares} | ${PLACES.map((p) => pct(t.peak[p], n)).join(' ')} | head ${best}: ${pct(t.headOnTarget[best], n)}`);
    }
  }
}

main().catch((e) => {
  console.error(`attention-reads: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
