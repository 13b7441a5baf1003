import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { createWebhookConfigStore } from './webhook-config.js';
import { containersForPush, parseWebhookPayload } from './webhook-payload.js';

describe('parseWebhookPayload', () => {
  it('reads Docker Hub pushes', () => {
    const hub = {
      callback_url: 'https://registry.hub.docker.com/u/myuser/myapp/hook/x/',
      push_data: { pushed_at: 1417566161, pusher: 'trustedbuilder', tag: 'latest' },
      repository: { repo_name: 'myuser/myapp', name: 'myapp', namespace: 'myuser' },
    };
    expect(parseWebhookPayload(hub)).toEqual({ source: 'dockerhub', image: 'myuser/myapp', tag: 'latest' });
  });

  it('reads GitHub package and registry_package events for container packages', () => {
    const pkg = {
      action: 'published',
      package: { name: 'My-App', namespace: 'Acme', package_type: 'CONTAINER', package_version: { container_metadata: { tag: { name: 'v1.2.0', digest: 'sha256:abc' } } } },
    };
    expect(parseWebhookPayload(pkg)).toEqual({ source: 'ghcr', image: 'ghcr.io/acme/my-app', tag: 'v1.2.0' });
    const registryPackage = {
      action: 'published',
      registry_package: { name: 'api', ecosystem: 'CONTAINER', owner: { login: 'acme' }, package_version: { package_url: 'ghcr.io/acme/api:2.0.0' } },
    };
    expect(parseWebhookPayload(registryPackage)).toEqual({ source: 'ghcr', image: 'ghcr.io/acme/api', tag: '2.0.0' });
    // An npm package is not a container push.
    expect(parseWebhookPayload({ action: 'published', package: { name: 'lib', package_type: 'npm' } }).source).toBe('unknown');
  });

  it('reads generic payloads with or without a separate tag', () => {
    expect(parseWebhookPayload({ image: 'nginx', tag: '1.27.5' })).toEqual({ source: 'generic', image: 'nginx', tag: '1.27.5' });
    expect(parseWebhookPayload({ image: 'registry.test:5000/team/app:1.2' })).toEqual({ source: 'generic', image: 'registry.test:5000/team/app', tag: '1.2' });
    expect(parseWebhookPayload({ image: 'registry.test:5000/team/app' })).toEqual({ source: 'generic', image: 'registry.test:5000/team/app', tag: '' });
  });

  it('calls everything else unknown', () => {
    for (const body of [undefined, null, [], 'text', {}, { event: 'push' }, { push_data: {} }, { image: '' }]) {
      expect(parseWebhookPayload(body)).toEqual({ source: 'unknown', image: '', tag: '' });
    }
  });
});

describe('containersForPush', () => {
  const containers = [
    { name: 'web', image: 'nginx:1.27.4' },
    { name: 'web2', image: 'docker.io/library/nginx:1.26' },
    { name: 'app', image: 'myuser/myapp:latest' },
    { name: 'other', image: 'myuser/myapp-worker:latest' },
    { name: 'gh', image: 'ghcr.io/acme/my-app:v1.1.0' },
  ];
  it('matches containers on the same repository whatever their tag', () => {
    expect(containersForPush({ source: 'dockerhub', image: 'library/nginx', tag: '1.27.5' }, containers)).toEqual(['web', 'web2']);
    expect(containersForPush({ source: 'dockerhub', image: 'myuser/myapp', tag: 'latest' }, containers)).toEqual(['app']);
    expect(containersForPush({ source: 'ghcr', image: 'ghcr.io/acme/my-app', tag: 'v1.2.0' }, containers)).toEqual(['gh']);
    expect(containersForPush({ source: 'generic', image: 'redis', tag: '' }, containers)).toEqual([]);
    expect(containersForPush({ source: 'generic', image: 'NOT VALID', tag: '' }, containers)).toEqual([]);
  });
});

describe('webhook config store', () => {
  it('starts disabled without a secret; enabling generates one that verifies, returned once', async () => {
    const storage = createMemoryStorage();
    const store = createWebhookConfigStore(storage);
    expect(await store.get()).toEqual({ enabled: false, secretSet: false, maskedSecret: '' });
    expect(await store.verify('anything')).toBe(false);

    const { generatedSecret } = await store.setEnabled(true);
    expect(generatedSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.get()).toEqual({ enabled: true, secretSet: true, maskedSecret: `****${generatedSecret?.slice(-4)}` });
    expect(await store.verify(generatedSecret)).toBe(true);
    expect(await store.verify(`${generatedSecret}x`)).toBe(false);
    expect(await store.verify('')).toBe(false);
    expect(await store.verify(undefined)).toBe(false);
    // Turning it off and on again keeps the secret.
    await store.setEnabled(false);
    expect(await store.setEnabled(true)).toEqual({});
    expect(await store.verify(generatedSecret)).toBe(true);
    // Only a hash is stored.
    expect(JSON.stringify(await storage.list('webhook'))).not.toContain(generatedSecret);
  });

  it('regenerating replaces the secret: the old one stops working', async () => {
    const store = createWebhookConfigStore(createMemoryStorage());
    const first = await store.regenerateSecret();
    const second = await store.regenerateSecret();
    expect(second).not.toBe(first);
    expect(await store.verify(first)).toBe(false);
    expect(await store.verify(second)).toBe(true);
    expect((await store.get()).enabled).toBe(false);
  });
});
