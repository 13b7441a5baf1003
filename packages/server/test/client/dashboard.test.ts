import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, NotImplementedError, PayloadTooLargeError } from '@sentinel-kit/client';
import { seedWithVersions, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

const MALICIOUS = `"><script>alert('x')</script><img src=x onerror=alert(1)>`;

/** `web` publishes container port 80 on host port 8080 and 443 on 8443. */
function withPorts(f: ClientFixture): void {
  f.publish('web', '1.0.0');
  f.docker.seedContainer({
    name: 'web',
    image: f.ref('web', '1.0.0'),
    labels: { 'com.docker.compose.project': 'webstack' },
    native: { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '443/tcp': [{ HostIp: '', HostPort: '8443' }] } } },
  });
}

describe('client.dashboard.row(name)', () => {
  it('returns the row HTML and the stat counts', async () => {
    const f = setup();
    seedWithVersions(f, 'api', 'api', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    withPorts(f);
    await f.client.containers.check('api');
    const row = await f.client.dashboard.row('api');
    expect(row.name).toBe('api');
    expect(row.stats).toEqual({ total: 2, running: 2, pending: 1 });
    expect(row.html).toMatch(/^<tr id="container-api" class="container-row state-running" data-name="api"[^>]*>.*<\/tr>$/);
    expect(row.html).toContain(`<code>${f.ref('api', '1.0.0')}</code>`);
    expect(row.html).toContain('<span class="badge policy-manual">manual</span>');
    expect(row.html).toContain('<span class="badge update-available" title="1.1.0">1.1.0</span>');

    const web = await f.client.dashboard.row('web');
    expect(web.html).toContain('<span class="container-stack">webstack</span>');
    expect(web.html).toContain('<span class="badge up-to-date">up to date</span>');
    // Default chip links point at the host the dashboard was reached on.
    expect(web.html).toContain('<a class="port-chip" href="http://sentinel.test:8080" title="8080 → 80/tcp" target="_blank" rel="noopener noreferrer">8080</a>');
    expect(web.html).toContain('href="http://sentinel.test:8443"');
  });

  it('escapes every value: a malicious name, label or status cannot inject markup', async () => {
    const f = setup();
    f.publish('evil', '1.0.0');
    f.docker.seedContainer({ name: 'evil', image: f.ref('evil', '1.0.0'), labels: { 'com.docker.compose.project': MALICIOUS } });
    const { html } = await f.client.dashboard.row('evil');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Only the row's own elements remain.
    const tags = [...html.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['tr', 'td', 'span', 'code']));
  });

  it('a port override with markup in its URL stays an escaped attribute', async () => {
    const f = setup();
    withPorts(f);
    await f.client.dashboard.setPortUrl('web', 8080, `https://app.example.com/?q="><script>x</script>`);
    const { html } = await f.client.dashboard.row('web');
    expect(html).toContain('<a class="port-chip port-chip-custom" href="https://app.example.com/?q=&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).not.toContain('<script');
  });

  it('an unknown container is 404, a malformed name 400, a remote host 501', async () => {
    const f = setup();
    await expect(f.client.dashboard.row('ghost')).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.client.dashboard.row('<b>')).rejects.toBeInstanceOf(BadRequestError);
    withPorts(f);
    await expect(f.client.dashboard.row('web', { host: 'edge-1' })).rejects.toBeInstanceOf(NotImplementedError);
  });
});

describe('client.dashboard port configuration', () => {
  it('set, list and remove a port override; the row links to it', async () => {
    const f = setup();
    withPorts(f);
    expect(await f.client.dashboard.portConfig('web')).toEqual({ container_name: 'web', ports: [] });
    expect(await f.client.dashboard.setPortUrl('web', 8080, 'https://app.example.com')).toEqual({
      status: 'ok',
      container_name: 'web',
      port: 8080,
      url: 'https://app.example.com',
      message: 'port 8080 of web now links to https://app.example.com',
    });
    // An override keyed by the container port applies to the chip of its published port.
    await f.client.dashboard.setPortUrl('web', 443, 'https://secure.example.com:9443/admin');
    expect(await f.client.dashboard.portConfig('web')).toEqual({
      container_name: 'web',
      ports: [
        { port: 443, url: 'https://secure.example.com:9443/admin' },
        { port: 8080, url: 'https://app.example.com' },
      ],
    });
    const { html } = await f.client.dashboard.row('web');
    expect(html).toContain('href="https://app.example.com"');
    expect(html).toContain('href="https://secure.example.com:9443/admin"');

    expect(await f.client.dashboard.removePortUrl('web', 8080)).toMatchObject({ status: 'ok', container_name: 'web', port: 8080 });
    expect((await f.client.dashboard.portConfig('web')).ports).toEqual([{ port: 443, url: 'https://secure.example.com:9443/admin' }]);
    expect((await f.client.dashboard.row('web')).html).toContain('href="http://sentinel.test:8080"');
    await expect(f.client.dashboard.removePortUrl('web', 8080)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('bad URLs, ports and bodies are 400 (413 when too large) and change nothing', async () => {
    const f = setup({ fixture: { app: { bodyLimitBytes: 4096 } } });
    withPorts(f);
    await f.client.dashboard.setPortUrl('web', 8080, 'https://app.example.com');
    for (const url of ['javascript:alert(1)', 'ftp://files.example.com', '/relative', 'https://user:pass@example.com', 'https://exa mple.com', '', 'https://']) {
      await expect(f.client.dashboard.setPortUrl('web', 8080, url), url).rejects.toBeInstanceOf(BadRequestError);
    }
    for (const port of ['0', '65536', '08080', '80a', '-1', '1e3']) {
      const error = await f.client.request({ method: 'POST', path: `/api/containers/web/port-config/${port}`, json: { url: 'https://a.example.com' } }).catch((e: unknown) => e);
      expect(error, port).toBeInstanceOf(BadRequestError);
    }
    for (const body of [{}, { url: 5 }, { url: 'https://a.example.com', extra: 1 }]) {
      await expect(f.client.request({ method: 'POST', path: '/api/containers/web/port-config/8080', json: body }), JSON.stringify(body)).rejects.toBeInstanceOf(BadRequestError);
    }
    await expect(f.client.dashboard.setPortUrl('web', 8080, `https://a.example.com/${'x'.repeat(5000)}`)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(f.client.dashboard.setPortUrl('ghost', 8080, 'https://a.example.com')).rejects.toBeInstanceOf(NotFoundError);
    expect((await f.client.dashboard.portConfig('web')).ports).toEqual([{ port: 8080, url: 'https://app.example.com' }]);
    await expect(f.client.dashboard.portConfig('ghost')).rejects.toBeInstanceOf(NotFoundError);
  });
});
