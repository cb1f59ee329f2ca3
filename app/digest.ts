// A digest of a run's records, so a reopened experiment can show it produced the same records:
// FNV-1a (64-bit, as two 32-bit halves) over every array's float bits, in record order, with the
// array's path mixed in. Not cryptographic; it only has to change when any value changes.
import type { LayerRecordWire } from './records';
import { recordArrays } from './records';

export class Digest {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  private byte(b: number): void {
    this.lo ^= b;
    // multiply (hi, lo) by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64
    const lo = this.lo * 0x1b3;
    const hi = this.hi * 0x1b3 + ((this.lo << 8) >>> 0) + Math.floor(lo / 0x100000000);
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  addText(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c & 0xff);
      this.byte(c >>> 8);
    }
  }

  addArray(a: Float32Array): void {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]);
  }

  addRecord(r: LayerRecordWire): void {
    this.addText(`${r.index}:${r.block}:${r.kind}`);
    for (const { path, data } of recordArrays(r)) {
      this.addText(path);
      this.addArray(data);
    }
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
