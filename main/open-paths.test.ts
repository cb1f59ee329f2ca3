// Turning what the OS hands over (argv, a second launch's data, open-file) into "open this".
import { describe, expect, it } from 'vitest';
import { launchPaths, openKind, OpenQueue, secondInstancePaths } from './open-paths';

describe('launchPaths', () => {
  it('drops the executable and switches and resolves relative paths (packaged)', () => {
    expect(launchPaths(['/opt/HybridScope/hybridscope', '--no-sandbox', 'runs/a.hybridscope.json', '/models/hybrid'], false, '/home/me'))
      .toEqual(['/home/me/runs/a.hybridscope.json', '/models/hybrid']);
  });

  it('also drops the app path when run unpackaged (electron <app>)', () => {
    expect(launchPaths(['/usr/bin/electron', 'out/main/index.js', 'x.hybridscope.json'], true, '/repo')).toEqual(['/repo/x.hybridscope.json']);
    expect(launchPaths(['/usr/bin/electron', '.'], true, '/repo')).toEqual([]);
  });

  it('finds nothing on a plain launch', () => {
    expect(launchPaths(['C:\\HybridScope.exe'], false, 'C:\\')).toEqual([]);
  });
});

describe('openKind', () => {
  it('opens folders as models, *.hybridscope.json files as experiments and *.hstrace files as traces, nothing else', () => {
    expect(openKind('/m/hybrid', true)).toBe('model-folder');
    expect(openKind('/runs/8b.hstrace', false)).toBe('trace');
    expect(openKind('C:\\runs\\8B.HSTRACE', false)).toBe('trace');
    expect(openKind('/runs/8b.hstrace.txt', false)).toBeNull();
    expect(openKind('/r/a.hybridscope.json', false)).toBe('experiment');
    expect(openKind('/r/A.HYBRIDSCOPE.JSON', false)).toBe('experiment');
    expect(openKind('/m/hybrid/model.safetensors', false)).toBeNull();
    expect(openKind('/home/u/.docker/config.json', false)).toBeNull(); // any other JSON stays closed
  });
});

describe('secondInstancePaths', () => {
  it('keeps absolute string paths only', () => {
    expect(secondInstancePaths({ paths: ['/a/b.hybridscope.json', 'relative', 3, '/m/hybrid'] })).toEqual(['/a/b.hybridscope.json', '/m/hybrid']);
    expect(secondInstancePaths(null)).toEqual([]);
    expect(secondInstancePaths({ paths: '/a' })).toEqual([]);
    expect(secondInstancePaths({ paths: Array.from({ length: 40 }, (_, i) => `/f${i}`) })).toHaveLength(16);
  });
});

describe('OpenQueue', () => {
  it('keeps paths until taken and tells the page when some arrive', () => {
    let told = 0;
    const q = new OpenQueue(() => told++);
    q.push([]);
    expect(told).toBe(0);
    q.push(['/a']);
    q.push(['/b', '/c']);
    expect(told).toBe(2);
    expect(q.take()).toEqual(['/a', '/b', '/c']);
    expect(q.take()).toEqual([]);
  });
});
