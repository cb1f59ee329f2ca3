// Phonebook scoring as the study does it: exact match of the first generated line against the
// expected number, and per-digit accuracy ("fuzzy memory": the fraction of the expected digits
// reproduced at their position).
export function scoreAnswer(generated: string, expected: string): { exact: boolean; digitAccuracy: number } {
  const line = generated.replace(/^\s+/, '').split('\n')[0].trim();
  const want = expected.replace(/\D/g, '');
  const got = line.replace(/\D/g, '');
  let right = 0;
  for (let i = 0; i < want.length; i++) if (got[i] === want[i]) right++;
  return { exact: line === expected.trim(), digitAccuracy: want.length > 0 ? right / want.length : 0 };
}
