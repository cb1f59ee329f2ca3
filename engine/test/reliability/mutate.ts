// Hostile inputs made from valid ones: byte-level mutations of a file (flips, truncation, insertion,
// deletion, an overwritten length prefix) and field-level mutations of a JSON value (a field deleted,
// replaced by a hostile value, or wrapped). Starting from valid inputs keeps most mutants deep
// enough to reach the checks behind the first one.
import fc from 'fast-check';

/** Lengths a u64 prefix can claim: small, near the file size, past it, 2^32 edges, 2^53 and beyond. */
export function hostileLength(fileSize: number): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.constantFrom(0n, 1n, 2n, 7n, 8n, BigInt(fileSize), BigInt(fileSize - 8), BigInt(fileSize - 7), BigInt(fileSize + 1),
      2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 100_000_001n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.bigInt({ min: 0n, max: BigInt(Math.max(0, fileSize)) }),
  );
}

type ByteOp =
  | { op: 'flip'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'length'; value: bigint };

/** A list of byte-level edits; positions are fractions of the current length, so they fit any file. */
export function byteMutations(fileSize: number): fc.Arbitrary<ByteOp[]> {
  const at = fc.nat({ max: 1_000_000 });
  const op: fc.Arbitrary<ByteOp> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at, value: fc.nat({ max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('length' as const), value: hostileLength(fileSize) }) },
  );
  return fc.array(op, { minLength: 1, maxLength: 4 });
}

export function applyBytes(base: Uint8Array, ops: readonly ByteOp[]): Uint8Array {
  let b = base.slice();
  const pos = (at: number, n: number) => (n === 0 ? 0 : at % n);
  for (const o of ops) {
    if (o.op === 'flip') {
      if (b.length > 0) b[pos(o.at, b.length)] = o.value;
    } else if (o.op === 'truncate') {
      b = b.slice(0, pos(o.at, b.length + 1));
    } else if (o.op === 'insert') {
      const i = pos(o.at, b.length + 1);
      const out = new Uint8Array(b.length + o.bytes.length);
      out.set(b.subarray(0, i));
      out.set(o.bytes, i);
      out.set(b.subarray(i), i + o.bytes.length);
      b = out;
    } else if (o.op === 'delete') {
      const i = pos(o.at, b.length + 1);
      b = Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + o.count)]);
    } else if (b.length >= 8) {
      new DataView(b.buffer, b.byteOffset, 8).setBigUint64(0, o.value, true);
    }
  }
  return b;
}

/** Values that break naive readers: wrong types, edges of integer ranges, huge, tiny, odd strings. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, -1, 1, 2, 3, -0, 0.5, 1.5, -7.25, 1e9, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300, 1e-300, Number.MAX_SAFE_INTEGER) },
    { weight: 2, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 2, arbitrary: fc.constantFrom('', ' ', '\n', 'a\nb', '"', '\\', '\u0000', '__proto__', 'constructor', 'toString', 'Infinity', 'NaN', '1e9', 'M*-', '../../etc/passwd', '\u{1F600}') },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
    { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 4 }), fc.constant(null)), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 3 }) },
  );
}

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = [], depth = 0): Path[] {
  out.push(at);
  if (depth > 6 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) {
    // Long arrays (vocabularies) would drown the other fields: sample a few of their items.
    const idx = v.length <= 8 ? v.map((_, i) => i) : [0, 1, Math.floor(v.length / 2), v.length - 1];
    for (const i of idx) paths(v[i], [...at, i], out, depth + 1);
  } else {
    const keys = Object.keys(v);
    const picked = keys.length <= 24 ? keys : keys.filter((_, i) => i % Math.ceil(keys.length / 24) === 0);
    for (const k of picked) paths((v as Record<string, unknown>)[k], [...at, k], out, depth + 1);
  }
  return out;
}

export interface FieldOp {
  pick: number;
  op: 'delete' | 'replace' | 'wrap' | 'empty';
  value: unknown;
}

export function fieldMutations(): fc.Arbitrary<FieldOp[]> {
  return fc.array(
    fc.record({ pick: fc.nat(), op: fc.constantFrom('delete', 'replace', 'replace', 'replace', 'wrap', 'empty'), value: hostileValue() }),
    { minLength: 1, maxLength: 3 },
  ) as fc.Arbitrary<FieldOp[]>;
}

/** `base` with the edits applied to a deep copy (the root itself may be replaced). */
export function applyFields(base: unknown, ops: readonly FieldOp[]): unknown {
  let root = structuredClone(base);
  for (const o of ops) {
    const all = paths(root);
    const path = all[o.pick % all.length];
    const next = (old: unknown): unknown => {
      if (o.op === 'replace') return structuredClone(o.value);
      if (o.op === 'wrap') return [old];
      if (o.op === 'empty') return Array.isArray(old) ? [] : typeof old === 'string' ? '' : {};
      return undefined;
    };
    if (path.length === 0) {
      root = o.op === 'delete' ? undefined : next(root);
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (o.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = next(parent[key]);
  }
  return root;
}

/** JSON text as Python writes it, so non-finite numbers survive (NaN, Infinity). */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `__nf__${v}` : v))
    ?.replace(/"__nf__(-?Infinity|NaN)"/g, '$1') ?? 'undefined';
}

/** Draw `n` values of `arb` from `seed` (no shrinking: the harness records, the table reports). */
export function draw<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}
