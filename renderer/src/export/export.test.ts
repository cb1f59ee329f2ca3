import { describe, expect, it } from 'vitest';
import { crc32, dpiToPpm, pngSize, readDpi, withDpi } from './png';
import { toCsv, toJson } from './table';
import { figureInks } from './figure';
import { FIGURE_INK, ink } from '../ui/palette';

// A valid 1×1 RGBA PNG (IHDR, IDAT, IEND).
const tiny = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

describe('PNG dpi metadata', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('inserts a pHYs chunk right after IHDR, keeping the image', () => {
    const out = withDpi(tiny, 300);
    expect(out.length).toBe(tiny.length + 21);
    expect(pngSize(out)).toEqual({ width: 1, height: 1 });
    expect(String.fromCharCode(...out.subarray(37, 41))).toBe('pHYs');
    expect(readDpi(out)).toBe(300);
    expect(readDpi(tiny)).toBeNull();
    expect(dpiToPpm(300)).toBe(11811);
  });

  it('replaces an existing pHYs instead of adding a second', () => {
    const twice = withDpi(withDpi(tiny, 72), 192);
    expect(twice.length).toBe(tiny.length + 21);
    expect(readDpi(twice)).toBe(192);
  });
});

describe('data tables', () => {
  const t = { columns: ['layer', 'note', 'mass'], rows: [[0, 'a, "b"', 0.5], [1, null, NaN]] as (string | number | null)[][] };
  it('quotes CSV cells per RFC 4180 and leaves missing values empty', () => {
    expect(toCsv(t)).toBe('layer,note,mass\n0,"a, ""b""",0.5\n1,,\n');
  });
  it('writes cells a spreadsheet would run as formulas as text, and negative numbers as numbers', () => {
    const layouts = { columns: ['layout', 'delta'], rows: [['-M*M', -0.25], ['=1+1', 0], ['@cmd', null], ['M*-', 1]] as (string | number | null)[][] };
    expect(toCsv(layouts)).toBe("layout,delta\n'-M*M,-0.25\n'=1+1,0\n'@cmd,\nM*-,1\n");
  });
    it('writes JSON records with their meta', () => {
    const j = JSON.parse(toJson({ ...t, meta: { run: 3 } }));
    expect(j.meta).toEqual({ run: 3 });
    expect(j.data[0]).toEqual({ layer: 0, note: 'a, "b"', mass: 0.5 });
  });
});

describe('figure inks', () => {
  it('exports every chart ink as its light figure colour, whatever the screen scheme', () => {
    for (const [name, value] of Object.entries(ink)) expect(figureInks(value)).toBe(FIGURE_INK[name as keyof typeof FIGURE_INK]);
    const svg = `<svg><g fill="${ink.label}"><text fill="${ink.text}">a</text></g><line stroke="${ink.axis}" fill="#0072B2"/></svg>`;
    expect(figureInks(svg)).toBe('<svg><g fill="#585c60"><text fill="#1e2226">a</text></g><line stroke="#b9b9b3" fill="#0072B2"/></svg>');
  });
});
