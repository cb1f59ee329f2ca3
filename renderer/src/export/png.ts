// PNG metadata: a pHYs chunk (pixels per metre) so a 300 dpi export opens at its print size.
// PNG spec §11.3.5.3 pHYs: 4-byte X ppm, 4-byte Y ppm, 1-byte unit (1 = metre); it must come
// before the first IDAT chunk, so it is inserted right after IHDR.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Width and height from the IHDR chunk. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  if (!isPng(bytes)) throw new Error('not a PNG');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** dots per inch → pixels per metre, as pHYs stores it. */
export function dpiToPpm(dpi: number): number {
  return Math.round(dpi / 0.0254);
}

/** A copy of the PNG with a pHYs chunk for `dpi` after IHDR (an existing pHYs is replaced). */
export function withDpi(png: Uint8Array, dpi: number): Uint8Array {
  if (!isPng(png)) throw new Error('not a PNG');
  const chunks: Uint8Array[] = [png.subarray(0, 8)];
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at < png.length) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const end = at + 12 + len;
    if (type !== 'pHYs') chunks.push(png.subarray(at, end));
    if (type === 'IHDR') chunks.push(physChunk(dpi));
    at = end;
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

function physChunk(dpi: number): Uint8Array {
  const chunk = new Uint8Array(21);
  const v = new DataView(chunk.buffer);
  v.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  const ppm = dpiToPpm(dpi);
  v.setUint32(8, ppm);
  v.setUint32(12, ppm);
  chunk[16] = 1;
  v.setUint32(17, crc32(chunk.subarray(4, 17)));
  return chunk;
}

/** The dpi stored in a PNG's pHYs chunk, or null. */
export function readDpi(png: Uint8Array): number | null {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at + 8 <= png.length) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'pHYs') return png[at + 16] === 1 ? Math.round(v.getUint32(at + 8) * 0.0254) : null;
    if (type === 'IDAT') return null;
    at += 12 + len;
  }
  return null;
}
