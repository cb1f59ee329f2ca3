// Message ports as the service and the UI's connection use them (MessagePortLike), made from the
// platforms' channels here in app/, so that no host code stands between a message and its handler:
// a host creates the channel, hands it over once, and supervises (hosts/). Structural types, so
// app/ needs no DOM or Node types.
import type { MessagePortLike } from './protocol';

/** A channel that dispatches 'message' events carrying `data`: a Worker, a worker's own global scope,
 *  a DOM MessagePort, a Node worker_threads MessagePort. */
export interface EventPort {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** A DOM MessagePort delivers nothing until started. */
  start?(): void;
}

export function eventPort(target: EventPort): MessagePortLike {
  return {
    postMessage: (message, transfer) => target.postMessage(message, transfer),
    onMessage(handler) {
      target.addEventListener('message', (event) => handler(event.data));
      target.start?.();
    },
  };
}

/** Electron's MessagePortMain (the utility process's end): an emitter, and it transfers only ports,
 *  so typed arrays are copied by structured clone. */
export interface EmitterPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
}

export function emitterPort(target: EmitterPort): MessagePortLike {
  return {
    postMessage: (message) => target.postMessage(message),
    onMessage(handler) {
      target.on('message', (event) => handler(event.data));
      target.start();
    },
  };
}
