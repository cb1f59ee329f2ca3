// What the compare view puts side by side, computed from two runs' cached data.
import type { BlockKind, PromptInfo } from '../../../engine';
import type { RunData } from './runCache';
import { recordEntryMass, entryMassAtRow, queryRow } from './derive';

/** Per original block: the share of its query-row (implicit) attention on the target entry. */
export function targetShareByBlock(data: RunData | undefined): Map<number, number> {
  const out = new Map<number, number>();
  const target = data?.prompt?.phonebook?.target;
  if (!data || target === undefined) return out;
  for (const r of data.records) {
    const mass = r && recordEntryMass(r);
    if (!r || !mass || out.has(r.block)) continue;
    const m = entryMassAtRow(mass, queryRow(r, data.prompt));
    let total = 0;
    for (const v of m) total += v;
    out.set(r.block, total > 0 ? m[target] / total : 0);
  }
  return out;
}

/** log p of each expected answer character at its step, from the generated token or its top-k
 *  alternatives; null when the expected character was not among them (below the top k). */
export function expectedLogprobs(data: RunData | undefined): { char: string; logprob: number | null }[] {
  const expected = data?.prompt?.phonebook?.expected;
  if (!data || !expected) return [];
  const steps = data.tokens.filter((t) => t.text.trim() !== '' || t.top.some((a) => a.text.trim() !== ''));
  // generation may begin with a space token: skip steps whose chosen token is whitespace
  const answerSteps = steps.filter((t) => t.text.trim() !== '');
  return [...expected].map((c, i) => {
    const t = answerSteps[i];
    if (!t) return { char: c, logprob: null };
    if (t.text.trim() === c) return { char: c, logprob: t.logprob };
    const alt = t.top.find((a) => a.text.trim() === c);
    return { char: c, logprob: alt ? alt.logprob : null };
  });
}

/** Each original block's kind as the run's records say it (two traces may be two models). */
export function blockKinds(data: RunData | undefined): Map<number, BlockKind> {
  const out = new Map<number, BlockKind>();
  for (const r of data?.records ?? []) if (r) out.set(r.block, r.kind);
  return out;
}

/** Whether two runs read the same token ids (a trace and a live run of the same checkpoint). */
export function sameTokens(a: PromptInfo | null | undefined, b: PromptInfo | null | undefined): boolean {
  if (!a || !b || a.ids.length !== b.ids.length) return false;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i] !== b.ids[i]) return false;
  return true;
}
