// Colours: the Okabe–Ito palette (colour-blind safe; Okabe & Ito 2008) for categories and a
// perceptually uniform sequential map (viridis) for dense matrices, both in figures and on screen.
import { KIND_NAME, type BlockKind } from '../../../engine';

export const okabeIto = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'] as const;

export const kindColor: Record<BlockKind, string> = {
  mamba2: '#0072B2',
  mamba1: '#56B4E9',
  attention: '#D55E00',
  mlp: '#C9C9C4',
  moe: '#009E73',
  parallel: '#CC79A7',
  shared: '#F0E442',
};

export const kindInk: Record<BlockKind, string> = { mamba2: '#ffffff', mamba1: '#10324a', attention: '#ffffff', mlp: '#3a3a36', moe: '#ffffff', parallel: '#ffffff', shared: '#3a3a10' };

/** KIND_NAME (engine/layout.ts) with a capital, for legends and titles. */
export const kindLabel = Object.fromEntries(
  Object.entries(KIND_NAME).map(([k, name]) => [k, name[0].toUpperCase() + name.slice(1)]),
) as Record<BlockKind, string>;

export const status = { right: '#009E73', wrong: '#D55E00', neutral: '#8a8a85' } as const;

/** Colour of the i-th series in a chart (models / layouts). */
export function seriesColor(i: number): string {
  return okabeIto[i % okabeIto.length];
}

/** Neutral inks of charts in the light figure style, which every export keeps (white paper). */
export const FIGURE_INK = {
  text: '#1e2226', // axis titles, legends, the mean curve
  label: '#585c60', // tick labels, secondary legends
  faint: '#8b8f93', // hints and reference lines
  axis: '#b9b9b3', // axis lines and ticks
  grid: '#eeeeea', // gridlines
  rule: '#e2e2dc', // outlines
  empty: '#f1f1ee', // cells without data
  band: '#f3f3f0', // the ribbon's background
  entryA: '#d9d9d4', // phonebook entries, alternating
  entryB: '#ecece8',
} as const;

/** What charts draw with: each ink as a CSS variable falling back to its figure value. Dark mode sets
 *  the variables (styles.css); figure export puts the fallbacks back (export/figure.ts). */
export const ink = Object.fromEntries(
  Object.entries(FIGURE_INK).map(([k, v]) => [k, `var(--fig-${k}, ${v})`]),
) as { readonly [K in keyof typeof FIGURE_INK]: string };
