import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sentinel-kit/core';
import { createDockerodeEngine } from '../../src/adapters/dockerode-engine.js';
import { startServer } from '../../src/start-server.js';

/**
 * TLS as configured through settings: the server serves HTTPS with
 * `tls_mode=manual`, and the engine connection uses the Docker TLS files for
 * mutual TLS (what dockerd's `--tlsverify` expects). Certificates are made
 * with openssl for the test.
 */
let dir: string;
const file = (name: string) => join(dir, name);
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-tls-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sentinel-test-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem']);
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`]);
    await import('node:fs/promises').then((fs) => fs.writeFile(file(`${name}.ext`), `${ext}\n`));
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('TLS from settings', () => {
  it('serves HTTPS when tls_mode=manual with the configured certificate', async () => {
    const server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        dockerHost: 'unix:///nonexistent/docker.sock',
        metrics: false,
        logLevel: 'error',
        settings: { tls_mode: 'manual', tls_cert: file('server.pem'), tls_key: file('server-key.pem') },
      },
      { logger: silentLogger },
    );
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await httpsGet(`${server.url}/api/health`, await readFile(file('ca.pem'), 'utf8'));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ docker: { connected: false } });
    } finally {
      await server.close();
    }
  });

  it('refuses to start when tls_mode=manual names a file that cannot be read', async () => {
    await expect(
      startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: join(dir, 'data2'),
          dockerHost: 'unix:///nonexistent/docker.sock',
          metrics: false,
          logLevel: 'error',
          settings: { tls_mode: 'manual', tls_cert: file('missing.pem'), tls_key: file('server-key.pem') },
        },
        { logger: silentLogger },
      ),
    ).rejects.toThrow(/tls_mode=manual: cannot read the cert file/);
  });

  it('connects to a TLS engine with the Docker TLS files (mutual TLS), and not without them', async () => {
    const seen: string[] = [];
    // An engine endpoint that, like dockerd --tlsverify, only talks to clients with a certificate from its CA.
    const engine: Server = createServer(
      { cert: await readFile(file('server.pem')), key: await readFile(file('server-key.pem')), ca: await readFile(file('ca.pem')), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
        if (req.url?.endsWith('/_ping')) return void res.end('OK');
        if (req.url?.endsWith('/version')) {
          res.setHeader('content-type', 'application/json');
          return void res.end(JSON.stringify({ Version: '99.0.0', ApiVersion: '1.45', Os: 'linux', Arch: 'amd64' }));
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Name: 'tls-engine', OperatingSystem: 'test', ServerVersion: '99.0.0' }));
      },
    );
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', r));
    const { port } = engine.address() as AddressInfo;
    try {
      const tls = { ca: await readFile(file('ca.pem'), 'utf8'), cert: await readFile(file('client.pem'), 'utf8'), key: await readFile(file('client-key.pem'), 'utf8') };
      const withTls = createDockerodeEngine({ dockerHost: `tcp://127.0.0.1:${port}`, tls, timeoutMs: 5000 });
      expect((await withTls.ping()).version).toBe('99.0.0');
      expect(seen).toContain('client');
      const without = createDockerodeEngine({ dockerHost: `tcp://127.0.0.1:${port}`, timeoutMs: 5000 });
      await expect(without.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await new Promise<void>((r) => engine.close(() => r()));
    }
  });
});
