// UTF-8 through the host's TextEncoder/TextDecoder (Node, browsers and workers all have them).
// engine/ compiles without DOM types, so the constructors are typed here rather than taken from lib.dom.
interface Codecs {
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(input: Uint8Array): string };
  TextEncoder: new () => { encode(input: string): Uint8Array };
}
const host = globalThis as unknown as Codecs;

/** Decode UTF-8; throws on invalid bytes. */
export function utf8Decode(bytes: Uint8Array): string {
  return new host.TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export function utf8Encode(text: string): Uint8Array {
  return new host.TextEncoder().encode(text);
}
