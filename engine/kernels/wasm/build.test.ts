import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { RESERVED } from './arena';
import { relaxedSharedWasm, relaxedWasm, simdSharedWasm, simdWasm } from './kernels.generated';
import { decodeBase64 } from './loader';
import { CONTROL } from './threads';

// The embedded module is committed so `npm ci` needs no build; rebuilding from assembly/ must give
// the same bytes, or the committed kernels are stale.
it('kernels.generated.ts equals a fresh build of assembly/', { timeout: 180_000 }, () => {
  const script = fileURLToPath(new URL('./build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

/** [start, end) of each active data segment of a wasm binary (offsets given as i32.const). */
function dataSegments(bytes: Uint8Array): [number, number][] {
  let p = 8;
  const leb = () => {
    let v = 0, shift = 0, b: number;
    do {
      b = bytes[p++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  const out: [number, number][] = [];
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    const end = p + size;
    if (id === 11) {
      for (let n = leb(); n > 0; n--) {
        const flags = leb();
        if (flags === 1) { p += leb(); continue; } // passive: no fixed place in memory
        if (flags === 2) leb(); // memory index
        expect(bytes[p++]).toBe(0x41); // i32.const
        const at = leb();
        expect(bytes[p++]).toBe(0x0b); // end
        const len = leb();
        out.push([at, at + len]);
        p += len;
      }
    }
    p = end;
  }
  return out;
}

it('static data of every build lies below the threads\' control block, which lies below the arena', () => {
  for (const b64 of [simdWasm, relaxedWasm, simdSharedWasm, relaxedSharedWasm]) {
    const segments = dataSegments(decodeBase64(b64));
    for (const [, end] of segments) expect(end).toBeLessThanOrEqual(CONTROL);
  }
  expect(CONTROL + 256).toBeLessThanOrEqual(RESERVED);
});
