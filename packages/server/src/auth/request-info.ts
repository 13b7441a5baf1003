import type { Context } from 'hono';

/**
 * What the server knows about where a request came from. Behind a reverse
 * proxy the socket address and scheme are the proxy's; `trustProxy` makes
 * the server believe the proxy's `X-Forwarded-For` / `X-Forwarded-Proto`
 * instead. Off by default: without a proxy those headers are whatever the
 * client chose to send.
 */

/** The client address: the last `X-Forwarded-For` hop when the proxy is trusted, else the socket peer, else `unknown`. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // The entry our proxy appended is the last one; earlier entries came from the client and prove nothing.
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
    const last = hops[hops.length - 1];
    if (last !== undefined) return last.slice(0, 64);
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Whether the request reached us over TLS (directly, or at a trusted proxy that says so). */
export function isSecureRequest(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (!trustProxy) return false;
  const proto = (c.req.header('x-forwarded-proto') ?? '').split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}

export function userAgent(c: Context): string {
  return c.req.header('user-agent') ?? '';
}
