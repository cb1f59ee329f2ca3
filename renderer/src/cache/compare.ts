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

/**
 * log p of the expected answer at each generated step, from the generated token or its top-k
 * alternatives: the expected text that step should have written (one character for a word-level
 * token, several for a BPE token such as " 612"), and null when neither the token nor an
 * alternative writes it. Steps that write only whitespace (the space before the answer) are
 * skipped; each step continues after what the model wrote, so a wrong token keeps the places of
 * the rest; expected characters no step reached come last, each with null.
 */
export function expectedLogprobs(data: RunData | undefined): { text: string; logprob: number | null }[] {
  const expected = data?.prompt?.phonebook?.expected;
  if (!data || !expected) return [];
  const out: { text: string; logprob: number | null }[] = [];
  let at = 0;
  for (const t of data.tokens) {
    if (at >= expected.length) break;
    const wrote = t.text.trim();
    if (wrote === '') continue;
    const rest = expected.slice(at);
    const writes = (text: string) => {
      const w = text.trim();
      return w !== '' && rest.startsWith(w) ? w : null;
    };
    const own = writes(t.text);
    const alt = own === null ? t.top.find((a) => writes(a.text) !== null) : undefined;
    if (own !== null) out.push({ text: own, logprob: t.logprob });
    else if (alt) out.push({ text: writes(alt.text)!, logprob: alt.logprob });
    else out.push({ text: rest.slice(0, wrote.length), logprob: null });
    at += wrote.length;
  }
  for (; at < expected.length; at++) out.push({ text: expected[at], logprob: null });
  return out;
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
