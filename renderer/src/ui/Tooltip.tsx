// One hover tooltip for every chart: charts call `showTip` with screen coordinates and a line of text.
import { useSyncExternalStore } from 'react';

type Tip = { x: number; y: number; text: string } | null;
let tip: Tip = null;
const listeners = new Set<() => void>();

export function showTip(x: number, y: number, text: string): void {
  tip = { x, y, text };
  for (const l of listeners) l();
}

export function hideTip(): void {
  if (tip === null) return;
  tip = null;
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function TooltipLayer() {
  const t = useSyncExternalStore(subscribe, () => tip);
  if (!t) return null;
  const left = Math.min(t.x + 12, window.innerWidth - 260);
  return <div className="tooltip" data-testid="tooltip" style={{ left, top: t.y + 14 }}>{t.text}</div>;
}
