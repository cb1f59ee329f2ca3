// How the recall charts tell series apart: a colour per model (its measured curves and its shipped
// evaluation share it) and a marker per series. Series keys are `<model> · <layout>` (actions/sweeps.ts)
// or `<model> · shipped` (recallData.ts referenceKey).
import { seriesColor } from '../ui/palette';

export const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;
export type MarkerKind = (typeof MARKERS)[number];

export interface SeriesStyle { key: string; color: string; marker: MarkerKind; reference: boolean }

const modelOf = (key: string) => key.split(' · ')[0];

/** Styles for the measured series and the reference series, colours by model in order of appearance. */
export function styleSeries(measured: string[], references: string[]): SeriesStyle[] {
  const models = [...new Set([...references, ...measured].map(modelOf))];
  const style = (key: string, i: number, reference: boolean): SeriesStyle => ({
    key, reference, color: seriesColor(models.indexOf(modelOf(key))), marker: MARKERS[i % MARKERS.length],
  });
  return [...measured.map((k, i) => style(k, i, false)), ...references.map((k, i) => style(k, i, true))];
}
