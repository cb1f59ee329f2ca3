// The harness itself: what it counts as a crash or a hang, so a suite that reports zero of each is
// known to be able to report more.
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../errors';
import { attempt, attemptSync, formatTable, newStats, type Expectation } from './harness';

const expectation: Expectation = { classes: [CheckpointError], names: (m) => m.startsWith('f.json: ') };
const show = () => 'input';

describe('reliability harness', () => {
  it('counts proper refusals and acceptances', () => {
    const s = newStats('k');
    expect(attemptSync(s, show, () => 1, expectation)).toBe('accepted');
    expect(attemptSync(s, show, () => { throw new CheckpointError('f.json', 'hidden_size must be an integer'); }, expectation)).toBe('refused');
    expect([s.tried, s.accepted, s.refused, s.crashes, s.hangs]).toEqual([2, 1, 1, 0, 0]);
  });

  it('counts raw JS errors, wrong classes, multi-line, vague and stumbling messages as crashes', () => {
    const s = newStats('k');
    const bad: (() => never)[] = [
      () => { throw new TypeError('x is undefined'); },
      () => { throw new RangeError('Invalid array length'); },
      () => { throw new Error('f.json: plain Error'); },
      () => { throw Object.assign(new CheckpointError('f.json', 'x'), { message: 'f.json: two\nlines' }); },
      () => { throw new CheckpointError('other.json', 'names another file'); },
      () => { throw new CheckpointError('f.json', 'got [object Object]'); },
      () => { throw Object.assign(new CheckpointError('f.json', 'x'), { message: `f.json: ${'very long '.repeat(70)}` }); },
      () => { throw 'a string'; },
    ];
    for (const f of bad) expect(attemptSync(s, show, f, expectation)).toBe('crash');
    expect(s.crashes).toBe(bad.length);
    expect(s.failures).toHaveLength(5);
    expect(formatTable([s], 't')).toMatch(/\| k +\| +8 \| +0 \| +0 \| +8 \| +0 \|/);
  });

  it('counts slow synchronous inputs and unanswered promises as hangs', async () => {
    const s = newStats('k');
    expect(attemptSync(s, show, () => { const t = performance.now(); while (performance.now() - t < 30); }, expectation, 10)).toBe('hang');
    expect(await attempt(s, show, () => new Promise(() => {}), expectation, 20)).toBe('hang');
    expect(await attempt(s, show, async () => { throw new CheckpointError('f.json', 'bad'); }, expectation)).toBe('refused');
    expect([s.hangs, s.refused]).toEqual([2, 1]);
  });
});
