// Sending a layer record: arrays move as transferables (no copy inside one process), never exposing
// engine memory — a view into a larger buffer is copied out first, because transferring its buffer
// would detach the engine's own storage. Arrays over MAX_MESSAGE_BYTES are sent as slices in
// `run/layer-part` events after the record (which carries an empty array in their place).
import type { EngineEvent } from './protocol';
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from './protocol';
import { recordArrays, setRecordArray, type LayerRecord } from '../engine';

type Post = (event: EngineEvent, transfer?: ArrayBuffer[]) => void;

/** The array itself if it owns its whole buffer, else a copy that does. */
function owning(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : a.slice();
}

export function sendLayer(runId: number, record: LayerRecord, post: Post, maxBytes = MAX_MESSAGE_BYTES): void {
  const v = PROTOCOL_VERSION;
  const transfer = new Set<ArrayBuffer>();
  const large: { path: string; data: Float32Array }[] = [];
  for (const { path, data } of recordArrays(record)) {
    let a = owning(data);
    if (transfer.has(a.buffer as ArrayBuffer)) a = a.slice(); // two fields sharing one buffer
    if (a.byteLength > maxBytes) {
      large.push({ path, data: a });
      setRecordArray(record, path, new Float32Array(0));
      continue;
    }
    if (a !== data) setRecordArray(record, path, a);
    transfer.add(a.buffer as ArrayBuffer);
  }
  const per = Math.max(1, Math.floor(maxBytes / 4));
  const parts = large.reduce((n, l) => n + Math.ceil(l.data.length / per), 0);
  post({ type: 'run/layer', v, runId, record, parts }, [...transfer]);
  for (const { path, data } of large) {
    for (let offset = 0; offset < data.length; offset += per) {
      const slice = data.slice(offset, offset + per);
      post({ type: 'run/layer-part', v, runId, index: record.index, path, offset, total: data.length, data: slice }, [slice.buffer]);
    }
  }
}
