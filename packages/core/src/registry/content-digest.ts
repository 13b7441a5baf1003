/**
 * `sha256:<hex>` of some bytes. Web Crypto rather than `node:crypto` keeps core
 * runnable on any runtime with a standard `crypto.subtle` (Node 20+, Deno, Bun, workers).
 */
export async function sha256Digest(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const hash = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  let hex = '';
  for (const byte of new Uint8Array(hash)) hex += byte.toString(16).padStart(2, '0');
  return `sha256:${hex}`;
}
