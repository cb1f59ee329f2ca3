// The reversed puzzle, read in the SSM states: how long does the state keep (a) which entry the request
// line named, and (b) the target entry's digits, with and without the request?
//
//   npx tsx studies/reversed-states.ts [--entries 32] [--samples 20] [--seed 1000000] [--models mamba2,mamba]
//
// (a) Request trace: the reversed prompt with the request naming the target Q, and the same prompt with
//     the request naming another entry R. The books are identical, so the full SSM states (every layer)
//     after each entry differ only through the request; ‖S − S'‖ / ‖S‖ after k entries read says how
//     much of "who was asked" the state still holds.
// (b) Digit trace: a prompt and its twin whose target number has other digits (same tokens count), read
//     after each later entry; standard (no request) beside reversed (the request names Q). A state that
//     protected the requested entry would keep (b) larger when the request named it.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveSeed, forwardSteps, installFastKernels, loadModel, makePhonebook, type Model, type LayerRecord, type PhonebookPrompt } from '../engine/index';
import { nodeFolderSource } from '../engine/cli/node';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '32' }, samples: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1000000' }, models: { type: 'string', default: 'mamba2,mamba' },
  },
});
const entries = Number(values.entries), samples = Number(values.samples), seed = Number(values.seed);
const STEPS = [0, 1, 2, 4, 8, 16, 24, 31];

/** Every SSM layer's full state at the token positions, concatenated per position. */
function statesAt(model: Model, text: string, positions: number[]): Float32Array[] {
  const ids = model.tokenizer!.encode(text).ids;
  const out = positions.map(() => [] as Float32Array[]);
  const it = forwardSteps(model, ids, { defaults: true, attention: false, ssm: true, states: true, focus: positions, keepContext: false, budgetBytes: 2 ** 30 });
  for (;;) {
    const r = it.next();
    if (r.done) break;
    const rec = r.value as LayerRecord;
    const s = rec.ssm?.states;
    if (!s) continue;
    const per = s.data.length / positions.length;
    positions.forEach((_, i) => out[i].push(s.data.subarray(i * per, (i + 1) * per)));
  }
  return out.map((parts) => { const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { all.set(p, o); o += p.length; } return all; });
}

const relDiff = (a: Float32Array, b: Float32Array): number => {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += a[i] ** 2; }
  return Math.sqrt(d / n);
};

/** Token position of the last character of each entry line's number. */
function entryEnds(model: Model, text: string, p: PhonebookPrompt, shift: number): number[] {
  const offs = model.tokenizer!.encode(text).offsets;
  return p.entries.map((e) => offs.findIndex(([a, b]) => a <= e.numberSpan[1] - 1 + shift && e.numberSpan[1] - 1 + shift < b));
}

function otherDigits(number: string): string {
  return number.replace(/[0-9]/g, (d, i: number) => (i === 0 ? d : String((Number(d) + 5) % 10)));
}

async function main(): Promise<void> {
  await installFastKernels();
  console.log(`entries ${entries}, question format, ${samples} samples, seed ${seed}; relative state difference ‖S − S'‖/‖S‖ (all SSM layers), mean over samples`);
  for (const id of String(values.models).split(',')) {
    const model = await loadModel(nodeFolderSource(resolve('assets/models', id)));
    const req: number[][] = STEPS.map(() => []);
    const digits = { none: STEPS.map(() => [] as number[]), same: STEPS.map(() => [] as number[]) };
    for (let k = 0; k < samples; k++) {
      const s = deriveSeed(seed, k);
      const std = makePhonebook({ format: 'question', variant: 'standard', entries }, s, model.tokenizer);
      const rev = makePhonebook({ format: 'question', variant: 'reversed', entries }, s, model.tokenizer);
      const decoy = rev.entries.findIndex((_, i) => i !== rev.target && !rev.examples.includes(i));
      const [a, b] = rev.request!;
      const request = rev.text.slice(a, b).replace(rev.entries[rev.target].name, rev.entries[decoy].name);
      const decoyText = rev.text.slice(0, a) + request + rev.text.slice(b);
      const shift = decoyText.length - rev.text.length;
      // (a) after entry e, e + 1 entries have been read since the request
      const posSame = entryEnds(model, rev.text, rev, 0), posDecoy = entryEnds(model, decoyText, rev, shift);
      const want = STEPS.filter((x) => x < entries);
      const Ss = statesAt(model, rev.text, want.map((x) => posSame[x]));
      const Sd = statesAt(model, decoyText, want.map((x) => posDecoy[x]));
      want.forEach((_, i) => req[i].push(relDiff(Ss[i], Sd[i])));
      // (b) the target's digits, read k entries later
      const t = rev.target;
      const after = STEPS.filter((x) => t + x < entries);
      for (const [cond, p] of [['none', std], ['same', rev]] as const) {
        const [na, nb] = p.entries[t].numberSpan;
        const twin = p.text.slice(0, na) + otherDigits(p.text.slice(na, nb)) + p.text.slice(nb);
        const pos = entryEnds(model, p.text, p, 0);
        const A = statesAt(model, p.text, after.map((x) => pos[t + x])), B = statesAt(model, twin, after.map((x) => pos[t + x]));
        after.forEach((_, i) => digits[cond][i].push(relDiff(A[i], B[i])));
      }
    }
    const mean = (xs: number[]) => (xs.length ? (xs.reduce((u, v) => u + v, 0) / xs.length).toExponential(2) : '—');
    console.log(`\n${id}\nentries read | request trace (Q vs R named) | target digits' trace, standard | target digits' trace, reversed (request = Q) | n`);
    STEPS.forEach((x, i) => console.log(`${x} | ${mean(req[i])} | ${mean(digits.none[i])} | ${mean(digits.same[i])} | ${digits.none[i].length}`));
  }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
