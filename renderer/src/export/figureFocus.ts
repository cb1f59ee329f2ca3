// "Export Figure…" (File menu, Ctrl/⌘+E): which chart it exports. Each ChartFrame registers its SVG
// export here; the chart the person last clicked or focused is exported while it is on screen, else
// the main chart of the inspector's open tab (its first chart).
import { appStore } from '../store/appStore';

type ExportSvg = () => Promise<void>;

/** The registered frames and the one last in focus. */
const figures: { byFrame: WeakMap<Element, ExportSvg>; focused: Element | null } = { byFrame: new WeakMap(), focused: null };

/** Called by a ChartFrame when it mounts; returns its unregister. */
export function registerFigure(frame: Element, exportSvg: ExportSvg): () => void {
  figures.byFrame.set(frame, exportSvg);
  return () => {
    figures.byFrame.delete(frame);
    if (figures.focused === frame) figures.focused = null;
  };
}

export function focusFigure(frame: Element): void {
  figures.focused = frame;
}

export async function exportFigure(): Promise<void> {
  const focused = figures.focused?.isConnected ? figures.focused : null;
  const frame = focused ?? document.querySelector('[data-figures=main] .chart-frame');
  const exportSvg = frame ? figures.byFrame.get(frame) : undefined;
  if (!exportSvg) {
    appStore.getState().showToast('info', 'No figure to export yet: run the prompt, then click the chart to export.');
    return;
  }
  await exportSvg();
}
