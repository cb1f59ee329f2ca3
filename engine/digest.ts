// A digest of a run's records, so a reopened experiment can show it produced the same records:
// two independent 32-bit multiplicative hash lanes (FNV-1a style, per 32-bit word rather than per
// byte, so 64 MB of records hash in well under a second) over every array's float bits, in record
// order, with the array's path mixed in. Not cryptographic; it only has to change when a value does.
import type { LayerRecord } from './records';
import { recordArrays } from './records';

export class Digest {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;

  private word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    this.b = Math.imul(this.b ^ w, 0x5bd1e995);
    this.b ^= this.b >>> 15;
  }

  addText(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(s.length);
  }

  addArray(x: Float32Array): void {
    const words = new Uint32Array(x.buffer, x.byteOffset, x.length);
    let a = this.a, b = this.b;
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      a = Math.imul(a ^ w, 0x01000193);
      b = Math.imul(b ^ w, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.a = a;
    this.b = b;
    this.word(x.length);
  }

  addRecord(r: LayerRecord): void {
    this.addText(`${r.index}:${r.block}:${r.kind}`);
    for (const { path, data } of recordArrays(r)) {
      this.addText(path);
      this.addArray(data);
    }
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
