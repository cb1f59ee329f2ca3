// The application menu (its items: menu-template.ts). The study's page is the one external link the
// app opens: a constant, opened by main from the Help menu, never a URL from the page (main/audit.ts
// allows shell.openExternal for it alone).
import { Menu, app, shell } from 'electron';
import type { MenuCommand, RecentItem } from '../app/desktop-api';
import { menuTemplate, STUDY_URL } from './menu-template';

function openStudy(): void {
  void shell.openExternal(STUDY_URL);
}

export function buildMenu(send: (command: MenuCommand) => void, recent: RecentItem[], dev: boolean): Menu {
  return Menu.buildFromTemplate(menuTemplate({ send, openStudy, recent, dev, platform: process.platform, version: app.getVersion() }));
}
