import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { TEMPLATE_VARIABLES } from '@sentinel-kit/core';
import type { NotificationMessage, StoredChannel, TemplateVars } from '@sentinel-kit/core';
import { createSmtpTransport } from './smtp-transport.js';

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
  user: string | undefined;
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** A real SMTP server on a free local port, without TLS, optionally requiring a login. */
async function smtpServer(login?: { user: string; pass: string }): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: login === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: login === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (login !== undefined && auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, received };
}

const vars = Object.fromEntries(Object.keys(TEMPLATE_VARIABLES).map((k) => [k, ''])) as TemplateVars;
const message: NotificationMessage = {
  event_type: 'update_failed',
  test: false,
  severity: 'failure',
  title: 'Update failed: web',
  body: 'Update of web to web:1.1.0 failed: new container reported unhealthy',
  timestamp: '2025-01-15T14:30:00.000Z',
  vars: { ...vars, ContainerName: 'web' },
};

const channel = (port: number, extra: Record<string, unknown> = {}): StoredChannel =>
  ({
    id: 'mail',
    name: 'Mail',
    type: 'smtp',
    enabled: true,
    events: [],
    settings: { host: '127.0.0.1', port, from: 'Sentinel <sentinel@example.com>', to: ['ops@example.com', 'oncall@example.com'], ...extra },
  }) as unknown as StoredChannel;

const context = () => ({ fetch: globalThis.fetch, signal: new AbortController().signal });

describe('SMTP transport', () => {
  it('delivers the title as subject and the body as text to every recipient', async () => {
    const { port, received } = await smtpServer();
    await createSmtpTransport().send(channel(port), message, context());
    expect(received).toHaveLength(1);
    const [mail] = received as [Received];
    expect(mail.from).toBe('sentinel@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(mail.raw).toMatch(/^Subject: Update failed: web$/m);
    expect(mail.raw).toMatch(/^X-Sentinel-Event: update_failed$/m);
    expect(mail.raw).toContain('Update of web to web:1.1.0 failed: new container reported unhealthy');
  });

  it('logs in with the configured credentials', async () => {
    const { port, received } = await smtpServer({ user: 'sentinel', pass: 'mail-password' });
    await createSmtpTransport().send(channel(port, { username: 'sentinel', password: 'mail-password' }), message, context());
    expect(received[0]?.user).toBe('sentinel');
  });

  it("fails with the server's refusal when the login is wrong", async () => {
    const { port, received } = await smtpServer({ user: 'sentinel', pass: 'mail-password' });
    await expect(createSmtpTransport().send(channel(port, { username: 'sentinel', password: 'wrong' }), message, context())).rejects.toThrow(/SMTP server 127\.0\.0\.1 refused the message: .*Invalid username or password/);
    expect(received).toEqual([]);
  });
});
