// The application menu as data. Items that need the page's state (save, export) or a result in the
// page (open) are sent to the page as menu commands (app/desktop-api.ts MENU_COMMANDS, each with a
// handler in renderer/src/actions/menu.ts); the page calls back through window.hybridscope. The
// study link is the one item main acts on itself. No electron values here, so a Node test reads it.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentItem } from '../app/desktop-api';

/** The study HybridScope's probe and models follow (NVIDIA, arXiv 2406.07887). */
export const STUDY_URL = 'https://arxiv.org/abs/2406.07887';

export interface MenuOptions {
  send(command: MenuCommand): void;
  /** Opens STUDY_URL in the browser (main does it, never the page). */
  openStudy(): void;
  recent: RecentItem[];
  dev: boolean;
  platform: NodeJS.Platform;
  version: string;
}

const RECENT_LABEL: Record<RecentItem['kind'], string> = { 'model-folder': 'Model', experiment: 'Experiment', trace: 'Trace' };

export function menuTemplate({ send, openStudy, recent, dev, platform, version }: MenuOptions): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.map((r) => ({ label: `${RECENT_LABEL[r.kind]}: ${r.name}`, click: () => send(`open-recent:${r.id}`) }))
    : [{ label: 'No recent items', enabled: false }];
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Model Folder…', accelerator: 'CmdOrCtrl+O', click: () => send('open-model-folder') },
        { label: 'Open Experiment…', accelerator: 'CmdOrCtrl+Shift+O', click: () => send('open-experiment') },
        { label: 'Open Trace…', accelerator: 'CmdOrCtrl+Alt+O', click: () => send('open-trace') },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        { label: 'Save Experiment…', accelerator: 'CmdOrCtrl+S', click: () => send('save-experiment') },
        { label: 'Export Figure…', accelerator: 'CmdOrCtrl+E', click: () => send('export-figure') },
        { type: 'separator' },
        platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
        ...(dev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        // the list itself is the page's (renderer/src/ui/shortcuts.ts), the one table the keys obey
        { label: 'Keyboard Shortcuts', click: () => send('show-shortcuts') },
        { label: 'The Study: An Empirical Study of Mamba-based Language Models (arXiv 2406.07887)', click: openStudy },
        { type: 'separator' },
        { label: `HybridScope ${version}`, enabled: false },
      ],
    },
  ];
}
