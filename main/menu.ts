// The application menu (its items: menu-template.ts). The study link opens in the browser from here,
// behind the same allow-list check as every external link.
import { Menu, app, shell } from 'electron';
import type { MenuCommand, RecentItem } from '../app/desktop-api';
import { menuTemplate, STUDY_URL } from './menu-template';
import { isAllowedExternal } from './security';

function openStudy(): void {
  if (isAllowedExternal(STUDY_URL)) void shell.openExternal(STUDY_URL);
}

export function buildMenu(send: (command: MenuCommand) => void, recent: RecentItem[], dev: boolean): Menu {
  return Menu.buildFromTemplate(menuTemplate({ send, openStudy, recent, dev, platform: process.platform, version: app.getVersion() }));
}
