// The desktop menu's commands (app/desktop-api.ts MENU_COMMANDS), one handler each. The record's type
// makes a command without a handler a type error; renderer/e2e/desktop.e2e.ts sends every command
// and checks what each did.
import { parseMenuCommand, type MenuCommand, type MenuCommandName } from '../../../app/desktop-api';
import { desktopApi } from '../desktop';
import { exportFigure } from '../export/figureFocus';
import { appStore } from '../store/appStore';
import { openExperimentFromDesktop, saveExperiment } from './experiments';
import { openRecent } from './opening';
import { chooseTraceFile } from './traces';
import { openFolderFromDesktop } from './session';

const HANDLERS: Record<MenuCommandName, (arg: string) => Promise<unknown> | void> = {
  'open-model-folder': () => openFolderFromDesktop(),
  'open-experiment': () => openExperimentFromDesktop(),
  // the page reads a trace itself (Blob range reads), so its own file chooser serves the desktop too
  'open-trace': () => chooseTraceFile(),
  'open-recent': (id) => openRecent(id),
  'save-experiment': () => saveExperiment(),
  'export-figure': () => exportFigure(),
  'show-shortcuts': () => appStore.getState().showHelp(true),
};

export function runMenuCommand(command: MenuCommand): void {
  const c = parseMenuCommand(command);
  if (c) void HANDLERS[c.name](c.arg);
}

/** Desktop: act on the menu from now on; returns the unsubscribe (undefined in the web build). */
export function listenToMenu(): (() => void) | undefined {
  return desktopApi()?.onMenuCommand(runMenuCommand);
}
