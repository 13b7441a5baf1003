import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface UnreadBodyCloseOptions {
  /** How long to keep reading (and discarding) what the client still sends after the answer. @default 2_000 */
  lingerMs?: number;
  /** How much of it to read before giving up on a clean close. @default 16 MiB */
  lingerBytes?: number;
}

/** What `serve()` returns for HTTP/1: a server that emits `request`. */
interface RequestEmitter {
  prependListener(event: 'request', listener: (req: IncomingMessage, res: ServerResponse) => void): unknown;
}

/**
 * Answers sent before the request body arrived in full (a 413 from a body limit,
 * an early 401/403, a streamed import that stopped half way) must not leave a
 * keep-alive connection whose next request meets a reset. Such an answer says
 * `Connection: close` — the client opens a new connection for its next request —
 * and the server closes gracefully: it half-closes after the answer and reads and
 * discards what the client still sends, for a bounded time and number of bytes,
 * so the client is never reset while it is still sending the body the answer
 * already refused. Answers to fully received requests are left alone (keep-alive).
 *
 * @example
 * const server = serve({ fetch: app.fetch, port: 8080 });
 * closeConnectionsWithUnreadBodies(server);
 */
export function closeConnectionsWithUnreadBodies(server: RequestEmitter, options: UnreadBodyCloseOptions = {}): void {
  const lingerMs = options.lingerMs ?? 2_000;
  const lingerBytes = options.lingerBytes ?? 16 * 1024 * 1024;
  // Before the app's own listener, which may answer without yielding.
  server.prependListener('request', (req, res) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      if (!req.complete && !this.headersSent) {
        this.setHeader('Connection', 'close');
        lingerOnClose(req, lingerMs, lingerBytes);
      }
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
  });
}

/**
 * Replace the socket's `destroySoon` (what node calls once a `Connection: close`
 * answer is written) with a lingering close: send FIN, keep reading the request
 * body and discard it, destroy when the client is done, the bound is reached or
 * the time is up. Closing at once with the client's bytes unread would make the
 * kernel answer them with a reset.
 */
function lingerOnClose(req: IncomingMessage, lingerMs: number, lingerBytes: number): void {
  const socket: Socket = req.socket;
  let closing = false;
  socket.destroySoon = function destroySoon(): void {
    if (closing) return;
    closing = true;
    socket.end();
    let timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    let read = 0;
    // The body's reader (the app's request stream, never read) applies backpressure that
    // would stall the connection: it goes, and the body flows into the void.
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > lingerBytes) socket.destroy();
    });
    req.once('end', () => {
      // The whole body is in: what is left is the client closing its side.
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), lingerMs);
      timer.unref();
    });
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
    req.resume();
  };
}
