// The application menu. Items that need the page's state (save, export) or a result in the page
// (open) are sent to the page as menu commands; the page calls back through window.hybridscope.
import { Menu, app, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentItem } from '../app/desktop-api';

export function buildMenu(send: (command: MenuCommand) => void, recent: RecentItem[], dev: boolean): Menu {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.map((r) => ({ label: `${r.kind === 'experiment' ? 'Experiment' : 'Model'}: ${r.name}`, click: () => send(`open-recent:${r.id}`) }))
    : [{ label: 'No recent items', enabled: false }];
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Model Folder…', accelerator: 'CmdOrCtrl+O', click: () => send('open-model-folder') },
        { label: 'Open Experiment…', accelerator: 'CmdOrCtrl+Shift+O', click: () => send('open-experiment') },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        { label: 'Save Experiment…', accelerator: 'CmdOrCtrl+S', click: () => send('save-experiment') },
        { label: 'Export Figure…', accelerator: 'CmdOrCtrl+E', click: () => send('export-figure') },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
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
    { role: 'help', submenu: [{ label: `HybridScope ${app.getVersion()}`, enabled: false }] },
  ];
  return Menu.buildFromTemplate(template);
}
