// The desktop app's engine host, page side: a MessagePort straight to the engine utility process,
// handed over by main through the preload (window.postMessage with ENGINE_PORT_MESSAGE), so tensor
// bytes never pass through main; the page's HostConnection (app/connection.ts) uses it directly.
// When the host crashes, main says so and later hands over a new port; requests sent while no port
// is connected wait for it.
import type { EngineClient } from '../app/client';
import { HostConnection } from '../app/connection';
import type { DesktopApi } from '../app/desktop-api';
import { ENGINE_PORT_MESSAGE } from '../app/desktop-api';
import { eventPort } from '../app/ports';
import { PROTOCOL_VERSION } from '../app/protocol';

export function createElectronClient(api: DesktopApi): EngineClient {
  let port: MessagePort | null = null;
  /** A port came after a crash (or replaced a live one): the Engine reopens its model. */
  let crashed = false;
  const connection = new HostConnection(() => {
    window.removeEventListener('message', onWindowMessage);
    offStatus();
    port?.close();
  });
  const onWindowMessage = (e: MessageEvent) => {
    if (e.source !== window || e.data !== ENGINE_PORT_MESSAGE || e.ports.length !== 1) return;
    const restarted = port !== null || crashed;
    crashed = false;
    port?.close();
    port = e.ports[0];
    connection.connect(eventPort(port));
    if (restarted) connection.status({ type: 'host/status', v: PROTOCOL_VERSION, status: 'restarted', message: 'the engine was restarted; open a model to continue' });
  };
  window.addEventListener('message', onWindowMessage);
  const offStatus = api.onEngineStatus((s) => {
    if (s.status !== 'crashed') return;
    port?.close();
    port = null;
    crashed = true;
    connection.connect(null);
    connection.status({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message: s.message });
  });
  return connection;
}
