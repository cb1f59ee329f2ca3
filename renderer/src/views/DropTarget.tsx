// Drag-and-drop onto the window: a model folder, an experiment file or a trace opens (actions/opening.ts); a
// veil says so while files are dragged over. Only drags that carry files count, so the layer strip's
// own block drags pass untouched.
import { useEffect, useState } from 'react';
import { openDrop } from '../actions/opening';

const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

export function DropTarget() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    // dragenter / dragleave fire for every child crossed: count them to know when the drag left
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth++;
      setOver(true);
    };
    const overWindow = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // accept the drop (else the browser opens the file itself)
      e.dataTransfer!.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      void openDrop(e.dataTransfer!);
    };
    const events = [['dragenter', enter], ['dragover', overWindow], ['dragleave', leave], ['drop', drop]] as const;
    for (const [name, fn] of events) window.addEventListener(name, fn);
    return () => { for (const [name, fn] of events) window.removeEventListener(name, fn); };
  }, []);
  if (!over) return null;
  return (
    <div className="drop-veil" data-testid="drop-veil">
      <div>Drop a model folder, an experiment file (.hybridscope.json) or a trace (.hstrace) to open it</div>
    </div>
  );
}
