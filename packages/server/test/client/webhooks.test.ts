import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, NotFoundError, PayloadTooLargeError } from '@sentinel-kit/client';
import { eventually, seedWithVersions, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

/** A manual container `web` on 1.0.0 with 1.1.0 published, and webhooks turned on. */
async function enabled(): Promise<{ f: ClientFixture; secret: string }> {
  const f = setup();
  seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
  const on = await f.client.webhooks.setEnabled(true);
  if (on.secret === undefined) throw new Error('enabling webhooks for the first time must return the generated secret');
  return { f, secret: on.secret };
}

describe('client.webhooks', () => {
  it('webhooks are off by default: the endpoint answers 404 and nothing is scanned', async () => {
    const f = setup();
    expect(await f.client.webhooks.info()).toEqual({ enabled: false, path: '/api/webhook', secret: '', secret_set: false });
    const error = await f.client.webhooks.receive({ image: 'registry.test/web' }, { secret: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('disabled');
    await f.sentinel.idle();
    expect(await f.client.lastScan()).toEqual({ last_scan: null });
  });

  it('setEnabled(true) returns the secret once; info() shows it masked', async () => {
    const { f, secret } = await enabled();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const info = await f.client.webhooks.info();
    expect(info).toEqual({ enabled: true, path: '/api/webhook', secret: `****${secret.slice(-4)}`, secret_set: true });
    expect(JSON.stringify(info)).not.toContain(secret.slice(0, 16));
    // Enabling again does not hand out the secret again.
    expect(await f.client.webhooks.setEnabled(true)).toEqual({ status: 'ok', enabled: true, message: 'inbound webhooks enabled' });
    expect((await f.client.webhooks.setEnabled(false)).enabled).toBe(false);
    expect((await f.client.webhooks.info()).enabled).toBe(false);
  });

  it('a generic payload for a running image checks that container, which queues the update', async () => {
    const { f, secret } = await enabled();
    const accepted = await f.client.webhooks.receive({ image: 'registry.test/web', tag: '1.1.0' }, { secret });
    expect(accepted).toEqual({ status: 'accepted', image: 'registry.test/web', tag: '1.1.0', source: 'generic', checked: ['web'], full_scan: false });
    await eventually(async () => (await f.client.queue.count()) === 1, 'the webhook check to queue web');
    expect((await f.client.queue.list())[0]).toMatchObject({ container_name: 'web', resolved_target_version: '1.1.0' });
    // A check is not a scan.
    expect(await f.client.lastScan()).toEqual({ last_scan: null });
    const [entry] = await f.client.activity.list({ type: 'webhook' });
    expect(entry).toMatchObject({ type: 'webhook', level: 'info', message: 'Webhook received from generic: registry.test/web:1.1.0; checking web' });
  });

  it('a push for an auto container updates it, as a scan would', async () => {
    const f = setup();
    seedWithVersions(f, 'api', 'api', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'auto' });
    const on = await f.client.webhooks.setEnabled(true);
    await f.client.webhooks.receive({ image: 'registry.test/api', tag: '1.1.0' }, { secret: on.secret as string });
    await eventually(async () => (await f.client.containers.get('api')).image === 'registry.test/api:1.1.0', 'the push to update api');
    await f.sentinel.idle();
    expect((await f.client.history.list())[0]).toMatchObject({ container_name: 'api', type: 'update', outcome: 'success' });
  });

  it('accepts the secret as ?secret= and reads Docker Hub payloads', async () => {
    const { f, secret } = await enabled();
    const hub = { push_data: { tag: 'latest', pusher: 'ci' }, repository: { repo_name: 'myuser/myapp', name: 'myapp' } };
    expect(await f.client.webhooks.receive(hub, { secret, via: 'query' })).toEqual({
      status: 'accepted',
      image: 'myuser/myapp',
      tag: 'latest',
      source: 'dockerhub',
      checked: [],
      full_scan: false,
    });
  });

  it('an unrecognised payload starts a full scan', async () => {
    const { f, secret } = await enabled();
    expect(await f.client.webhooks.receive({ hello: 'world' }, { secret })).toEqual({ status: 'accepted', image: '', tag: '', source: 'unknown', checked: [], full_scan: true });
    await f.sentinel.idle();
    expect((await f.client.lastScan()).last_scan).not.toBeNull();
    expect(await f.client.queue.count()).toBe(1);
  });

  it('refuses a missing or wrong secret with 401, and a regenerated secret replaces the old one', async () => {
    const { f, secret } = await enabled();
    await expect(f.client.webhooks.receive({ image: 'registry.test/web' }, { secret: 'wrong' })).rejects.toBeInstanceOf(AuthenticationError);
    const missing = await f.app.request('/api/webhook', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image":"registry.test/web"}' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'invalid or missing webhook secret' });

    const { secret: next, message } = await f.client.webhooks.regenerateSecret();
    expect(message).toContain('only this once');
    expect(next).not.toBe(secret);
    await expect(f.client.webhooks.receive({ image: 'registry.test/web' }, { secret })).rejects.toBeInstanceOf(AuthenticationError);
    expect((await f.client.webhooks.receive({ image: 'registry.test/web' }, { secret: next })).status).toBe('accepted');
    // The secret is never kept readable: not in the log, not in the info, not in storage.
    const activity = JSON.stringify(await f.client.activity.list({ limit: 1000 }));
    expect(activity).not.toContain(next);
    expect(JSON.stringify(await f.sentinel.storage.list('webhook'))).not.toContain(next);
  });

  it('answers malformed JSON with 400 and an oversized payload with 413, changing nothing', async () => {
    const { f, secret } = await enabled();
    const bad = await f.app.request('/api/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': secret }, body: '{"image":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid JSON in request body' });
    await expect(f.client.webhooks.receive({ image: 'registry.test/web', pad: 'x'.repeat(70 * 1024) }, { secret })).rejects.toBeInstanceOf(PayloadTooLargeError);
    await f.sentinel.idle();
    expect(await f.client.lastScan()).toEqual({ last_scan: null });
    expect(await f.client.queue.count()).toBe(0);
    await expect(f.client.request({ method: 'POST', path: '/api/settings/webhook-enabled', json: { enabled: 'yes' } })).rejects.toBeInstanceOf(BadRequestError);
    expect((await f.client.webhooks.info()).enabled).toBe(true);
  });
});
