// The menu and the page agree: every item that talks to the page sends a command the page handles
// (MENU_COMMANDS), every command has an item, and the study link opens the arXiv page from main.
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_COMMANDS, parseMenuCommand, type MenuCommand } from '../app/desktop-api';
import { menuTemplate, STUDY_URL } from './menu-template';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

function clickAll(platform: NodeJS.Platform) {
  const sent: MenuCommand[] = [];
  let studies = 0;
  const template = menuTemplate({
    send: (c) => sent.push(c), openStudy: () => studies++, dev: false, platform, version: '9.9.9',
    recent: [{ kind: 'model-folder', name: 'my-model', id: 'model-folder:abc' }, { kind: 'experiment', name: 'x.hybridscope.json', id: 'experiment:def' }],
  });
  const all = items(template);
  for (const i of all) (i.click as (() => void) | undefined)?.();
  return { sent, studies, all };
}

describe('application menu', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`sends every menu command and only those (${platform})`, () => {
      const { sent } = clickAll(platform);
      expect(sent.every((c) => parseMenuCommand(c) !== null)).toBe(true);
      expect(new Set(sent.map((c) => parseMenuCommand(c)!.name))).toEqual(new Set(MENU_COMMANDS));
      expect(sent).toContain('open-recent:model-folder:abc');
      expect(sent).toContain('open-recent:experiment:def');
    });
  }

  it('has a Help menu with the shortcuts and the study, which main opens on an allowed https URL', () => {
    const { studies, all } = clickAll('linux');
    expect(studies).toBe(1);
    const help = all.find((i) => i.role === 'help')!;
    const labels = (help.submenu as MenuItemConstructorOptions[]).map((i) => i.label);
    expect(labels).toContain('Keyboard Shortcuts');
    expect(labels.some((l) => l?.includes('arXiv 2406.07887'))).toBe(true);
    expect(STUDY_URL).toBe('https://arxiv.org/abs/2406.07887');
  });

  it('says so when there is nothing recent', () => {
    const template = menuTemplate({ send: () => undefined, openStudy: () => undefined, recent: [], dev: true, platform: 'linux', version: '1' });
    const open = items(template).find((i) => i.label === 'Open Recent')!;
    expect(open.submenu).toEqual([{ label: 'No recent items', enabled: false }]);
  });
});

describe('parseMenuCommand', () => {
  it('splits open-recent ids and refuses what is no command', () => {
    expect(parseMenuCommand('open-recent:experiment:1')).toEqual({ name: 'open-recent', arg: 'experiment:1' });
    expect(parseMenuCommand('export-figure')).toEqual({ name: 'export-figure', arg: '' });
    expect(parseMenuCommand('open-recent')).toBeNull();
    expect(parseMenuCommand('export-figure:x')).toBeNull();
    expect(parseMenuCommand('format-disk')).toBeNull();
  });
});
