// The layout as coloured blocks (M, m, *, -) in run order: drag to reorder, click to select and
// inspect, toggle to drop, duplicate. Each block lights up as its record streams in and shows a
// small recall signal: the share of its (implicit) attention on the target entry at the query.
// Large models (the study's 8B hybrid: 56 blocks) get narrower blocks in one row (stripFit.ts).
import { useState, type CSSProperties, type DragEvent, type KeyboardEvent } from 'react';
import { appStore, useApp } from '../store/appStore';
import { KIND_CHAR, KIND_NAME, KIND_PARTS, type BlockInfo } from '../../../engine';
import { effectiveLayout, type LayoutItem } from '../store/layoutEdits';
import { useRun } from '../cache/useRun';
import { recordsBySlot, targetShare } from '../cache/derive';
import { kindColor, kindInk, kindLabel } from '../ui/palette';
import { shortcutFor } from '../ui/shortcuts';
import { LayoutBar } from './LayoutBar';
import { useWidth } from '../ui/useWidth';
import { stripFit } from './stripFit';
import './strip.css';

export function LayerStrip() {
  const model = useApp((s) => s.model);
  const modelStatus = useApp((s) => s.modelStatus);
  const opening = useApp((s) => s.opening);
  const items = useApp((s) => s.items);
  const selected = useApp((s) => s.selectedSlot);
  const { meta, data } = useRun('current');
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const [stripRef, stripWidth] = useWidth<HTMLOListElement>(1000);

  if (!model) {
    return (
      <section className="panel" aria-label="Layer strip">
        <div className="panel-head"><h2>Layer strip</h2></div>
        {modelStatus === 'loading'
          ? <div className="empty"><span className="spinner" /> Reading {opening}…</div>
          : <div className="empty"><b>No model open</b>Pick a bundled model or open a model folder to see its layers.</div>}
      </section>
    );
  }

  const sameRun = meta && data && sameLayout(meta.blocks, items);
  const records = sameRun ? recordsBySlot(items.map((it) => it.orig), data.records) : [];
  const running = meta?.status === 'running';
  const fit = stripFit(items.length, stripWidth);
  const onDrop = (to: number) => (e: DragEvent) => {
    e.preventDefault();
    if (dragFrom !== null) appStoreMove(dragFrom, to);
    setDragFrom(null);
    setDragOver(null);
  };

  return (
    <section className="panel" aria-label="Layer strip">
      <div className="panel-head">
        <h2>Layer strip</h2>
        <span className="muted small">{items.filter((i) => !i.dropped).length} blocks · drag to reorder · click to inspect · double-click to drop</span>
        <span className="spacer" />
        <Legend kinds={[...new Set(model.layers.map((l) => l.kind))]} />
      </div>
      <ol
        ref={stripRef} className={`strip ${fit.mode}`} data-testid="layer-strip" data-fit={fit.mode}
        style={fit.mode === 'full' ? undefined : ({ '--block-w': `${fit.block}px` } as CSSProperties)}
      >
        {items.map((it, slot) => {
          const { kind, shared } = model.layers[it.orig];
          // stable per block copy, so a moved block keeps its DOM node (and keyboard focus)
          const copy = items.slice(0, slot).filter((x) => x.orig === it.orig).length;
          const rec = records[slot];
          const share = rec && data ? targetShare(rec, data.prompt) : null;
          const pending = running && !rec && !it.dropped;
          return (
            <li
              key={`${it.orig}#${copy}`}
              className={['block', it.dropped && 'dropped', selected === slot && 'selected', pending && 'pending', dragOver === slot && 'drag-over', rec && 'lit'].filter(Boolean).join(' ')}
              data-testid="strip-block" data-kind={kind} data-index={it.orig} data-dropped={it.dropped || undefined}
              style={{ background: it.dropped ? undefined : kindColor[kind], color: kindInk[kind] }}
              title={`${blockTitle(model.layers, it.orig)}${it.dropped ? ' (dropped)' : ''}${share !== null ? ` · ${(share * 100).toFixed(0)} % of its mass on the target` : ''}`}
              draggable
              onDragStart={() => setDragFrom(slot)}
              onDragOver={(e) => { e.preventDefault(); setDragOver(slot); }}
              onDragLeave={() => setDragOver(null)}
              onDrop={onDrop(slot)}
              onClick={() => selectSlot(slot, it)}
              onDoubleClick={() => appStore.getState().toggleDropBlock(slot)}
              tabIndex={0} role="button" aria-pressed={selected === slot}
              onKeyDown={(e) => onBlockKey(e, slot, it)}
            >
              <span className="glyph">{KIND_CHAR[kind]}{shared !== undefined && <sub data-testid="shared-block">{sharedLetter(shared)}</sub>}</span>
              <span className="idx">{it.orig}</span>
              {share !== null && <span className="signal" aria-label="mass on target"><i style={{ width: `${Math.round(share * 100)}%` }} /></span>}
            </li>
          );
        })}
      </ol>
      <SlotActions />
      <LayoutBar />
    </section>
  );
}

function appStoreMove(from: number, to: number) {
  appStore.getState().moveBlock(from, to);
}

function selectSlot(slot: number, it: LayoutItem) {
  const s = appStore.getState();
  s.selectSlot(slot);
  s.inspect(it.orig);
}

/** Keyboard editing, keys from the one shortcut table (ui/shortcuts.ts): walk, move, select, drop
 *  or restore, duplicate. */
function onBlockKey(e: KeyboardEvent<HTMLElement>, slot: number, it: LayoutItem) {
  const s = appStore.getState();
  const el = e.currentTarget;
  const last = s.items.length - 1;
  switch (shortcutFor(e, 'strip')) {
    case 'block-select': selectSlot(slot, it); break;
    case 'block-drop': s.toggleDropBlock(slot); break;
    case 'block-move-left': if (slot > 0) s.moveBlock(slot, slot - 1); break;
    case 'block-move-right': if (slot < last) s.moveBlock(slot, slot + 1); break;
    case 'block-prev': (el.previousElementSibling as HTMLElement | null)?.focus(); break;
    case 'block-next': (el.nextElementSibling as HTMLElement | null)?.focus(); break;
    case 'block-duplicate': s.duplicateBlock(slot); break;
    default: return;
  }
  e.preventDefault();
}

function sameLayout(runBlocks: readonly number[], items: readonly LayoutItem[]): boolean {
  const now = effectiveLayout(items);
  return runBlocks.length === now.length && runBlocks.every((b, i) => b === now[i]);
}

function SlotActions() {
  const selected = useApp((s) => s.selectedSlot);
  const items = useApp((s) => s.items);
  const model = useApp((s) => s.model);
  const it = selected === null ? undefined : items[selected];
  if (!it || !model || selected === null) return <div className="slot-actions muted small">Select a block to drop, duplicate or move it.</div>;
  const s = appStore.getState();
  const copies = items.filter((x) => x.orig === it.orig).length;
  return (
    <div className="slot-actions" data-testid="slot-actions">
      <span className="small"><b>{blockTitle(model.layers, it.orig)}</b>, position {selected + 1}</span>
      <button className="btn small" onClick={() => s.toggleDropBlock(selected)}>{it.dropped ? 'Restore' : 'Drop'}</button>
      <button className="btn small" onClick={() => s.duplicateBlock(selected)}>Duplicate</button>
      {copies > 1 && <button className="btn small" onClick={() => { s.removeBlock(selected); s.selectSlot(null); }}>Remove copy</button>}
      <button className="btn small" disabled={selected === 0} onClick={() => s.moveBlock(selected, selected - 1)}>← Move</button>
      <button className="btn small" disabled={selected === items.length - 1} onClick={() => s.moveBlock(selected, selected + 1)}>Move →</button>
    </div>
  );
}

/** Shared transformer blocks are lettered A, B, … in the strip (zamba2's num_mem_blocks). */
function sharedLetter(n: number): string {
  return n < 26 ? String.fromCharCode(65 + n) : `#${n + 1}`;
}

/** What a block is, in words: its kind and index; for a shared-transformer layer, which shared block
 *  it runs and where else that block runs; for a block holding other mixers, that they move together. */
function blockTitle(layers: readonly BlockInfo[], index: number): string {
  const { kind, shared } = layers[index];
  let title = `${kindLabel[kind]} · block ${index}`;
  if (shared !== undefined) {
    const others = layers.filter((l) => l.shared === shared && l.index !== index).map((l) => l.index);
    title = `Shared transformer ${sharedLetter(shared)} + Mamba-2 · block ${index} · ${others.length ? `the same transformer weights run at block${others.length > 1 ? 's' : ''} ${others.join(', ')}` : 'its transformer runs only here'}`;
  }
  const parts = KIND_PARTS[kind];
  return parts ? `${title} · its ${parts.map((p) => KIND_NAME[p]).join(', ')} move, drop and repeat together` : title;
}

function Legend({ kinds }: { kinds: (keyof typeof kindColor)[] }) {
  return (
    <span className="legend small">
      {kinds.map((k) => (
        <span key={k}><i style={{ background: kindColor[k] }} />{KIND_CHAR[k]} {kindLabel[k]}</span>
      ))}
    </span>
  );
}
