import { describe, expect, it } from 'vitest';
import { csvField, formatCsv } from './csv';

describe('CSV', () => {
  it('quotes fields holding a comma, a quote or a line break (RFC 4180), and no others', () => {
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('plain text')).toBe('plain text');
  });

  it('escapes text a spreadsheet would run as a formula', () => {
    expect(csvField('-M*M')).toBe("'-M*M");
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('+1')).toBe('+1'); // a number written as text is data: round-trips unchanged
    expect(csvField('-1.5e-3')).toBe('-1.5e-3');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('=1,2')).toBe('"\'=1,2"');
    expect(csvField('M-M*-')).toBe('M-M*-'); // only the first character counts
  });

  it('writes numbers as numbers, negative ones too, and missing values as empty fields', () => {
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(3)).toBe('3');
    expect(csvField(NaN)).toBe('');
    expect(csvField(Infinity)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(false)).toBe('false');
  });

  it('writes rows, the header first, one line each', () => {
    expect(formatCsv([['layout', 'accuracy'], ['-M*M', -1], ['M*', null]])).toBe("layout,accuracy\n'-M*M,-1\nM*,\n");
  });
});
