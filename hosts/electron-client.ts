// EngineClient for the desktop app: a MessagePort straight to the engine utility process, handed
// over by main through the preload (window.postMessage with ENGINE_PORT_MESSAGE), so tensor bytes
// never pass through main. When the host crashes, main says so and later hands over a new port;
// requests sent while no port is connected wait for it.
import type { EngineClient } from '../app/client';
import type { DesktopApi } from '../app/desktop-api';
import { ENGINE_PORT_MESSAGE } from '../app/desktop-api';
import type { EngineEvent, Request } from '../app/protocol';
import { PROTOCOL_VERSION } from '../app/protocol';

export function createElectronClient(api: DesktopApi): EngineClient {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => {
    for (const l of listeners) l(e);
  };
  let port: MessagePort | null = null;
  let queued: Request[] = [];

  const onWindowMessage = (e: MessageEvent) => {
    if (e.source !== window || e.data !== ENGINE_PORT_MESSAGE || e.ports.length !== 1) return;
    const restarted = port !== null;
    port?.close();
    port = e.ports[0];
    port.onmessage = (m: MessageEvent<EngineEvent>) => emit(m.data);
    port.start();
    for (const r of queued) port.postMessage(r);
    queued = [];
    if (restarted) emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'restarted', message: 'the engine was restarted; open a model to continue' });
  };
  window.addEventListener('message', onWindowMessage);
  const offStatus = api.onEngineStatus((s) => {
    if (s.status === 'crashed') {
      port?.close();
      port = null;
      emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message: s.message });
    }
  });
  return {
    send(request) {
      if (port) port.postMessage(request);
      else queued.push(request);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      window.removeEventListener('message', onWindowMessage);
      offStatus();
      port?.close();
    },
  };
}
