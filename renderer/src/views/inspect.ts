// Choices the inspector views share: which record to show and which focus row.
import type { PromptInfo } from '../../../app/protocol';
import type { LayerRecord } from '../../../app/protocol';
import { queryRow } from '../cache/derive';

/** The record of the inspected block (original index) among `records`, else the first one. */
export function pickRecord(records: LayerRecord[], inspectBlock: number | null, chosen: number | null): LayerRecord | undefined {
  return records.find((r) => r.index === chosen)
    ?? records.find((r) => r.block === inspectBlock)
    ?? records[0];
}

/** The focus row to show: the focused position if it was captured, else the query row. */
export function pickRow(record: LayerRecord, prompt: PromptInfo | null, focusPos: number | null): number {
  if (focusPos !== null) {
    const i = record.focus.indexOf(focusPos);
    if (i >= 0) return i;
  }
  return queryRow(record, prompt);
}

// Rows already taken, by source array: the views ask for the same rows on every render while records
// stream in, and the charts keep their drawn paths by the row's identity (PositionCurves).
const rowsTaken = new WeakMap<Float32Array, Map<string, Float32Array>>();

/** (H, R, X) → the row r of head h, or the mean over heads when h < 0: (X). The same call on the
 *  same array returns the same row object. */
export function headRow(a: { shape: number[]; data: Float32Array }, h: number, r: number): Float32Array {
  let taken = rowsTaken.get(a.data);
  if (!taken) rowsTaken.set(a.data, (taken = new Map()));
  const key = `${a.shape.join(',')}:${h}:${r}`;
  let out = taken.get(key);
  if (!out) taken.set(key, (out = takeRow(a, h, r)));
  return out;
}

function takeRow(a: { shape: number[]; data: Float32Array }, h: number, r: number): Float32Array {
  const [H, R, X] = a.shape;
  if (h >= 0) return a.data.subarray((h * R + r) * X, (h * R + r + 1) * X);
  const out = new Float32Array(X);
  for (let k = 0; k < H; k++) {
    const row = a.data.subarray((k * R + r) * X, (k * R + r + 1) * X);
    for (let i = 0; i < X; i++) out[i] += row[i] / H;
  }
  return out;
}

/** Column marks for the target entry (vermillion) and few-shot entries (orange). */
export function entryMarks(prompt: PromptInfo | null | undefined) {
  const pb = prompt?.phonebook;
  if (!pb) return [];
  const t = pb.entries[pb.target];
  return [
    ...pb.examples.map((e, i) => ({ from: pb.entries[e].tokens[0], to: pb.entries[e].tokens[1], color: '#E69F00', label: i === 0 ? 'few-shot entries' : undefined })),
    { from: t.tokens[0], to: t.tokens[1], color: '#D55E00', label: 'target entry' },
  ];
}
