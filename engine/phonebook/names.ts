// The names a phonebook draws from: every book uses distinct first × last combinations.
// The shipped list (assets/phonebook/names.json, 100 × 100) is data; any list of the same shape works.
import shipped from '../../assets/phonebook/names.json';

export interface NameList {
  first: string[];
  last: string[];
}

// Plain ASCII words: the shared word-level tokenizer has one token per name, and character spans
// then mean the same thing in TypeScript (UTF-16 units) and Python (code points).
const NAME = /^[A-Za-z]+$/;

/** Checks a parsed names.json; throws a one-line message naming the problem. */
export function parseNameList(json: unknown): NameList {
  const obj = json as Partial<Record<'first' | 'last', unknown>> | null;
  if (typeof obj !== 'object' || obj === null) throw new Error('names: expected {"first": [...], "last": [...]}');
  const lists = { first: obj.first, last: obj.last };
  for (const key of ['first', 'last'] as const) {
    const list = lists[key];
    if (!Array.isArray(list) || list.length === 0) throw new Error(`names: "${key}" must be a non-empty array`);
    const seen = new Set<string>();
    for (const name of list) {
      if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`names: "${key}" has a bad name ${JSON.stringify(name)} (ASCII letters only)`);
      if (seen.has(name)) throw new Error(`names: "${key}" lists ${name} twice`);
      seen.add(name);
    }
  }
  return { first: [...(lists.first as string[])], last: [...(lists.last as string[])] };
}

export const DEFAULT_NAMES: NameList = parseNameList(shipped);
