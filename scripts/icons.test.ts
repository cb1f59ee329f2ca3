// scripts/icons.mjs as `npm run dist` runs it: every size electron-builder looks for is written, each
// file a valid PNG (chunk CRCs, dimensions, pixels inflating to the declared size), and all sizes are
// the same drawing (a transparent margin, the ink tile, the strip's colours, the same average colour).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Width, height and RGBA pixels of an 8-bit RGBA PNG written with filter 0 on every row. */
function decode(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks = new Map<string, Buffer[]>();
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    expect(png.readUInt32BE(at + 8 + len), `${type} CRC`).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    chunks.set(type, [...(chunks.get(type) ?? []), png.subarray(at + 8, at + 8 + len)]);
    at += 12 + len;
  }
  const ihdr = chunks.get('IHDR')![0];
  const width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4);
  expect([...ihdr.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
  const rows = inflateSync(Buffer.concat(chunks.get('IDAT')!));
  expect(rows.length).toBe(height * (1 + width * 4));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (1 + width * 4)]).toBe(0);
    rgba.set(rows.subarray(y * (1 + width * 4) + 1, (y + 1) * (1 + width * 4)), y * width * 4);
  }
  return { width, height, rgba };
}

const pixel = (img: { width: number; rgba: Uint8Array }, fx: number, fy: number) => {
  const o = (Math.floor(fy * img.width) * img.width + Math.floor(fx * img.width)) * 4;
  return [...img.rgba.subarray(o, o + 4)];
};

/** Alpha-weighted mean colour, and the mean coverage (0–1). */
function mean(rgba: Uint8Array): number[] {
  let r = 0, g = 0, b = 0, a = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const w = rgba[i + 3];
    r += rgba[i] * w; g += rgba[i + 1] * w; b += rgba[i + 2] * w; a += w;
  }
  return [r / a, g / a, b / a, a / 255 / (rgba.length / 4)];
}

describe('app icons (scripts/icons.mjs)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hs-icons-'));
    execFileSync(process.execPath, [join(import.meta.dirname, 'icons.mjs'), dir]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes build/icon.png at 1024 × 1024 (macOS and Windows icons are derived from it)', () => {
    const icon = decode(readFileSync(join(dir, 'icon.png')));
    expect([icon.width, icon.height]).toEqual([1024, 1024]);
    expect(readFileSync(join(dir, 'icon.png')).equals(readFileSync(join(dir, 'icons', '1024x1024.png')))).toBe(true);
  });

  it('writes every Linux size, square, as the same drawing', () => {
    const big = mean(decode(readFileSync(join(dir, 'icon.png'))).rgba);
    for (const n of SIZES) {
      const img = decode(readFileSync(join(dir, 'icons', `${n}x${n}.png`)));
      expect([img.width, img.height], `${n}x${n}`).toEqual([n, n]);
      const m = mean(img.rgba);
      for (let c = 0; c < 3; c++) expect(Math.abs(m[c] - big[c]), `${n}: channel ${c}`).toBeLessThan(6);
      expect(Math.abs(m[3] - big[3]), `${n}: coverage`).toBeLessThan(0.06);
    }
  });

  it('draws the strip on the ink tile, with a transparent margin', () => {
    const icon = decode(readFileSync(join(dir, 'icons', '512x512.png')));
    expect(pixel(icon, 0.02, 0.02)[3]).toBe(0);
    expect(pixel(icon, 0.1, 0.1)[3]).toBe(0); // the rounded corner
    expect(pixel(icon, 0.5, 0.15)).toEqual([0x1e, 0x22, 0x26, 255]);
    expect(pixel(icon, 0.5, 0.5)).toEqual([0xd5, 0x5e, 0x00, 255]); // attention, the middle block
    expect(pixel(icon, 0.5 - 0.13, 0.5)).toEqual([0x00, 0x72, 0xb2, 255]); // Mamba-2 beside it
  });
});
