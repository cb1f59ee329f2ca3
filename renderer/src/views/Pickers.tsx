// Choosers shared by the attention and SSM views: which block of the run, which head.
import type { LayerRecord } from '../../../app/protocol';
import { KIND_CHAR } from '../../../engine';
import { kindColor } from '../ui/palette';

/** Layers past which the picker is a list (the study's 8B hybrid has 24 Mamba-2 layers). */
const MAX_LAYER_BUTTONS = 12;

export function LayerPicker({ records, current, onPick }: { records: LayerRecord[]; current: number; onPick(index: number): void }) {
  if (records.length > MAX_LAYER_BUTTONS) {
    return (
      <label className="small" style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
        layer
        <select className="text-input" style={{ width: 'auto' }} value={current} onChange={(e) => onPick(+e.target.value)} data-testid="layer-picker" aria-label="Layer">
          {records.map((r) => <option key={r.index} value={r.index}>{KIND_CHAR[r.kind]} {r.block}{r.block !== r.index ? ` (position ${r.index})` : ''}</option>)}
        </select>
      </label>
    );
  }
  return (
    <span className="seg" role="group" aria-label="Layer" data-testid="layer-picker">
      {records.map((r) => (
        <button key={r.index} aria-pressed={r.index === current} onClick={() => onPick(r.index)} title={`position ${r.index}, block ${r.block}`}>
          <i style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 2, background: kindColor[r.kind], marginRight: 5 }} />
          {KIND_CHAR[r.kind]} {r.block}
        </button>
      ))}
    </span>
  );
}

export function HeadPicker({ heads, head, onPick, label = 'head' }: { heads: number; head: number; onPick(h: number): void; label?: string }) {
  if (heads <= 1) return null;
  return (
    <label className="small" style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
      {label}
      <select className="text-input" style={{ width: 'auto' }} value={head} onChange={(e) => onPick(+e.target.value)} data-testid="head-picker">
        <option value={-1}>mean of {heads}</option>
        {Array.from({ length: heads }, (_, h) => <option key={h} value={h}>{h}</option>)}
      </select>
    </label>
  );
}
