// The app icon, drawn from one source — the `shape` below, in unit coordinates — at every size the
// installers need: build/icon.png (1024 × 1024; electron-builder derives macOS's .icns and Windows'
// .ico from it) and build/icons/<n>x<n>.png (Linux, which picks a file by size). Each pixel is
// 4 × 4 supersampled, so the small sizes are drawn, not shrunk. Usage: node scripts/icons.mjs [out-dir]
//
// The picture is the layer strip of the bundled hybrid (Mamba-2, Mamba-2, attention, Mamba-2, MLP) in
// the renderer's block colours (renderer/src/ui/palette.ts) on the app's ink, in a rounded square.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const INK = [0x1e, 0x22, 0x26];
const BLOCKS = [[0x00, 0x72, 0xb2], [0x00, 0x72, 0xb2], [0xd5, 0x5e, 0x00], [0x00, 0x72, 0xb2], [0xc9, 0xc9, 0xc4]];

/** Inside a rounded rectangle [x0, x1] × [y0, y1] with corner radius r. */
function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return dx * dx + dy * dy <= r * r;
}

/** The colour at (x, y) in [0, 1]², or null where the icon is transparent. */
function shape(x, y) {
  // a 0.82-wide tile, the margin macOS's icon grid leaves around it
  if (!inRoundRect(x, y, 0.09, 0.09, 0.91, 0.91, 0.18)) return null;
  const bar = 0.1, gap = 0.03, left = 0.5 - (BLOCKS.length * bar + (BLOCKS.length - 1) * gap) / 2;
  const i = Math.floor((x - left) / (bar + gap));
  if (i >= 0 && i < BLOCKS.length && inRoundRect(x, y, left + i * (bar + gap), 0.24, left + i * (bar + gap) + bar, 0.76, 0.03)) return BLOCKS[i];
  return INK;
}

/** RGBA pixels of the icon at `size` × `size`. */
export function drawIcon(size) {
  const SS = 4;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = shape((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a += 1; }
        }
      }
      const o = (py * size + px) * 4;
      // colour averaged over the covered samples (straight alpha), coverage as alpha
      if (a > 0) { rgba[o] = Math.round(r / a); rgba[o + 1] = Math.round(g / a); rgba[o + 2] = Math.round(b / a); }
      rgba[o + 3] = Math.round((255 * a) / (SS * SS));
    }
  }
  return rgba;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG (8-bit RGBA, no interlace, filter 0 on every row) of `rgba`. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter set 0, no interlace
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export function writeIcons(outDir) {
  mkdirSync(join(outDir, 'icons'), { recursive: true });
  for (const n of LINUX_SIZES) {
    const png = encodePng(n, n, drawIcon(n));
    writeFileSync(join(outDir, 'icons', `${n}x${n}.png`), png);
    if (n === 1024) writeFileSync(join(outDir, 'icon.png'), png);
  }
}

if (import.meta.filename === process.argv[1]) writeIcons(process.argv[2] ?? join(import.meta.dirname, '..', 'build'));
