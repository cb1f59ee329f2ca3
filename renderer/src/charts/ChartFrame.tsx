// A titled chart with its export menu: SVG, PNG (1×, 2×, 300 dpi) and data (CSV, JSON). The chart
// inside renders one <svg data-figure> (plus canvas layers); the frame finds it at export time. Its
// SVG export is also what "Export Figure…" (File menu, Ctrl/⌘+E) runs when it is the chart in focus.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { figurePng, figureSvg, fileStem, saveFile, type PngScale } from '../export/figure';
import { focusFigure, registerFigure } from '../export/figureFocus';
import { toCsv, toJson, type DataTable } from '../export/table';
import { appStore } from '../store/appStore';

interface Props {
  title: string;
  subtitle?: ReactNode;
  /** The chart's data for CSV / JSON; null while there is none. Called only while the export menu is
   *  open: a table can hold hundreds of thousands of rows, too many to build on every render. */
  data: () => DataTable | null;
  children: ReactNode;
  testId?: string;
  tools?: ReactNode;
  /** `panel`: the chart is the whole panel, so its title takes the panel heading style. */
  heading?: 'chart' | 'panel';
  /** False for a frame around a table: its data exports, there is no figure to draw. */
  figure?: boolean;
}

const PNG_CHOICES: [string, PngScale][] = [
  ['PNG 1×', { kind: 'scale', scale: 1 }],
  ['PNG 2×', { kind: 'scale', scale: 2 }],
  ['PNG 300 dpi', { kind: 'dpi', dpi: 300 }],
];

async function guarded(what: string, act: () => Promise<void> | void): Promise<void> {
  try {
    await act();
  } catch (e) {
    appStore.getState().showToast('error', `Export ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const svgIn = (frame: HTMLElement) => frame.querySelector<SVGSVGElement>('svg[data-figure]');

async function saveSvg(frame: HTMLElement, title: string): Promise<void> {
  const svg = svgIn(frame);
  if (svg) await saveFile(`${fileStem(title)}.svg`, figureSvg(svg, frame, title), 'svg');
}

export function ChartFrame({ title, subtitle, data, children, testId, tools, heading = 'chart', figure = true }: Props) {
  const frame = useRef<HTMLElement>(null);
  const [open, setOpen] = useState(false);
  const stem = fileStem(title);
  const svgOf = () => (frame.current ? svgIn(frame.current) : null);
  const run = async (what: string, act: () => Promise<void> | void) => {
    setOpen(false);
    await guarded(what, act);
  };
  useEffect(() => {
    const el = frame.current;
    if (el && figure) return registerFigure(el, () => guarded('SVG', () => saveSvg(el, title)));
  }, [title, figure]);
  const exportSvg = () => (frame.current ? saveSvg(frame.current, title) : undefined);
  const exportPng = async (label: string, scale: PngScale) => {
    const svg = svgOf();
    if (!svg || !frame.current) return;
    const text = figureSvg(svg, frame.current, title);
    const png = await figurePng(text, Number(svg.getAttribute('width')), Number(svg.getAttribute('height')), scale);
    await saveFile(`${stem}${label.replace(/^PNG\s*/, '-').replace(/\s+/g, '')}.png`, png, 'png');
  };
  // the table is built only while the menu is open (to enable its data items) and when saved: a
  // chart's data can be large (a 4,000-token ribbon, a map's cells), and charts re-render as records stream
  const table = open ? data() : null;
  return (
    <figure
      className="chart-frame" ref={frame} data-testid={testId} style={{ margin: 0 }}
      onPointerDownCapture={(e) => focusFigure(e.currentTarget)} onFocusCapture={(e) => focusFigure(e.currentTarget)}
    >
      <figcaption className="panel-head" style={{ marginBottom: 6 }}>
        {heading === 'panel' ? <h2>{title}</h2> : <h3>{title}</h3>}
        {subtitle && <span className="small muted">{subtitle}</span>}
        <span className="spacer" />
        {tools}
        <span style={{ position: 'relative' }}>
          <button className="btn small" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="export-menu">Export ▾</button>
          {open && (
            <span className="menu" role="menu">
              {figure && <>
                <button role="menuitem" onClick={() => run('SVG', exportSvg)}>SVG</button>
                {PNG_CHOICES.map(([label, scale]) => (
                  <button key={label} role="menuitem" onClick={() => run(label, () => exportPng(label, scale))}>{label}</button>
                ))}
                <hr />
              </>}
              <button role="menuitem" disabled={!table} onClick={() => run('CSV', () => (table ? saveFile(`${stem}.csv`, toCsv(table), 'csv') : undefined))}>Data CSV</button>
              <button role="menuitem" disabled={!table} onClick={() => run('JSON', () => (table ? saveFile(`${stem}.json`, toJson(table), 'json') : undefined))}>Data JSON</button>
            </span>
          )}
        </span>
      </figcaption>
      {children}
    </figure>
  );
}
