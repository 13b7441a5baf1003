/**
 * The registry client against real distribution registries (Debian's
 * `docker-registry`), started here on free ports so this file needs nothing
 * from the e2e global setup:
 *
 * - an open registry,
 * - one behind `auth.htpasswd` (Basic auth),
 * - one behind `auth.token` with a token server run by this test (Bearer auth,
 *   RS256 JWTs whose x5c certificate the registry trusts).
 *
 * Content is pushed over the registry HTTP API, so no Docker engine is needed.
 * Needs `/usr/bin/docker-registry`, `htpasswd` (apache2-utils) and `openssl`.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, NotFoundError, systemClock, UpstreamError } from '@sentinel-kit/core';
import type { FetchLike } from '@sentinel-kit/core';

const REGISTRY_BIN = '/usr/bin/docker-registry';
const USER = 'sentinel';
const PASSWORD = 'Corr3ct-h0rse-battery';
const SERVICE = 'sentinel-e2e-registry';
const ISSUER = 'sentinel-e2e-issuer';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

let workDir = '';
const children: ChildProcess[] = [];
let tokenServer: Server | undefined;
const tokenRequests: Array<{ scopes: string[]; authorized: boolean }> = [];

let open = '';
let basic = '';
let bearer = '';
let signingKey: ReturnType<typeof createPrivateKey>;
let certDer = '';

/** What was pushed, with the digests the registry reported. */
const pushed = {
  configBytes: new Uint8Array(),
  configDigest: '',
  ociDigest: '',
  dockerDigest: '',
  armDigest: '',
  indexDigest: '',
  pagingTags: [] as string[],
};

beforeAll(async () => {
  for (const bin of [REGISTRY_BIN, '/usr/bin/htpasswd', '/usr/bin/openssl']) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: apt-get install -y docker-registry apache2-utils openssl`);
  }
  workDir = await mkdtemp(join(tmpdir(), 'sk-registry-e2e-'));

  // Bearer: a key and self-signed certificate; the registry trusts the certificate as root.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sentinel-e2e-token-issuer',
    '-keyout', join(workDir, 'token.key'), '-out', join(workDir, 'token.crt')], { stdio: 'ignore' });
  signingKey = createPrivateKey(await readFile(join(workDir, 'token.key')));
  certDer = new X509Certificate(await readFile(join(workDir, 'token.crt'))).raw.toString('base64');
  tokenServer = await startTokenServer();
  const tokenPort = (tokenServer.address() as AddressInfo).port;

  await writeFile(join(workDir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', USER, PASSWORD]));

  const [openPort, basicPort, bearerPort] = [await freePort(), await freePort(), await freePort()];
  open = `127.0.0.1:${openPort}`;
  basic = `127.0.0.1:${basicPort}`;
  bearer = `127.0.0.1:${bearerPort}`;
  await Promise.all([
    startRegistry('open', openPort, ''),
    startRegistry('basic', basicPort, `auth:\n  htpasswd:\n    realm: sentinel-e2e\n    path: ${join(workDir, 'htpasswd')}\n`),
    startRegistry(
      'bearer',
      bearerPort,
      `auth:\n  token:\n    realm: http://127.0.0.1:${tokenPort}/token\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${join(workDir, 'token.crt')}\n`,
    ),
  ]);

  await pushFixtures(open, 'team/app', basicAuth());
  await pushFixtures(basic, 'team/app', basicAuth());
  await pushFixtures(bearer, 'team/app', `Bearer ${issueToken([`repository:team/app:pull,push`])}`);
});

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await new Promise<void>((resolve) => (tokenServer === undefined ? resolve() : tokenServer.close(() => resolve())));
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe('registry client against a real registry', () => {
  it('lists every tag of a repository with 120+ tags', async () => {
    // docker-registry 2.8 answers the whole list whatever `n` says (tag paging came in
    // distribution 3); the client must still return every tag exactly once.
    // Link paging itself is covered by the msw unit tests.
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock, tagsPageSize: 10 });
    const tags = await client.listTags(`${open}/team/app`);
    expect([...tags].sort()).toEqual([...pushed.pagingTags, 'docker', 'multi', 'oci'].sort());
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('reports the digest the registry gave at push time, for every manifest type', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock });
    await expect(client.getDigest(`${open}/team/app:oci`)).resolves.toEqual({ digest: pushed.ociDigest, mediaType: OCI_MANIFEST });
    await expect(client.getDigest(`${open}/team/app:docker`)).resolves.toEqual({ digest: pushed.dockerDigest, mediaType: DOCKER_MANIFEST });
    await expect(client.getDigest(`${open}/team/app:multi`)).resolves.toEqual({ digest: pushed.indexDigest, mediaType: OCI_INDEX });
    expect(client.stats().requests).toMatchObject({ manifest_head: 3, manifest_get: 0 });
  });

  it('fetches an index, a platform manifest and a config blob, and checks them against their digests', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock });
    const index = await client.getManifest(`${open}/team/app:multi`);
    expect(index.kind).toBe('index');
    expect(index.digest).toBe(pushed.indexDigest);
    if (index.kind !== 'index') return;
    expect(index.manifest.manifests.map((m) => [m.digest, m.platform?.architecture])).toEqual([
      [pushed.ociDigest, 'amd64'],
      [pushed.armDigest, 'arm64'],
    ]);
    const image = await client.getManifest(`${open}/team/app@${pushed.ociDigest}`);
    expect(image.kind).toBe('image');
    if (image.kind !== 'image') return;
    expect(image.manifest.config.digest).toBe(pushed.configDigest);
    await expect(client.getBlobBytes(`${open}/team/app`, image.manifest.config.digest)).resolves.toEqual(pushed.configBytes);
  });

  it('answers NotFoundError for an unknown tag and an unknown repository', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock });
    await expect(client.getDigest(`${open}/team/app:no-such-tag`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.listTags(`${open}/team/no-such-repo`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps its concurrency bound against a real registry', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const counting: FetchLike = async (input, init) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await globalThis.fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = createRegistryClient({ fetch: counting, clock: systemClock, concurrencyPerRegistry: 2 });
    const tags = pushed.pagingTags.slice(0, 30);
    const digests = await Promise.all(tags.map((t) => client.getDigest(`${open}/team/app:${t}`)));
    expect(digests.every((d) => d.digest === pushed.ociDigest)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });
});

describe('basic auth against a real htpasswd registry', () => {
  it('works with the right password', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock, credentials: (r) => (r === basic ? { username: USER, password: PASSWORD } : undefined) });
    expect(await client.listTags(`${basic}/team/app`)).toContain('multi');
    await expect(client.getDigest(`${basic}/team/app:multi`)).resolves.toEqual({ digest: pushed.indexDigest, mediaType: OCI_INDEX });
    expect(client.stats().requests.token).toBe(0);
  });

  it('fails cleanly with a wrong password or none, without echoing the password', async () => {
    for (const credentials of [() => ({ username: USER, password: 'Wr0ng-battery' }), () => undefined]) {
      const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock, credentials });
      const error = await client.listTags(`${basic}/team/app`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).status).toBe(401);
      expect((error as Error).message).toBe(`authentication failed for ${basic}`);
      expect(JSON.stringify({ m: (error as Error).message, d: (error as UpstreamError).details, s: (error as Error).stack })).not.toContain('Wr0ng-battery');
    }
  });
});

describe('bearer auth against a real token-auth registry', () => {
  it('gets a token from the realm, reuses it, and reads tags and digests', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock, credentials: (r) => (r === bearer ? { username: USER, password: PASSWORD } : undefined) });
    tokenRequests.length = 0;
    expect(await client.listTags(`${bearer}/team/app`)).toContain('oci');
    await expect(client.getDigest(`${bearer}/team/app:oci`)).resolves.toEqual({ digest: pushed.ociDigest, mediaType: OCI_MANIFEST });
    await expect(client.getDigest(`${bearer}/team/app:multi`)).resolves.toEqual({ digest: pushed.indexDigest, mediaType: OCI_INDEX });
    expect(tokenRequests).toEqual([{ scopes: ['repository:team/app:pull'], authorized: true }]);
    expect(client.stats().requests.token).toBe(1);
  });

  it('fails cleanly when the token server refuses the password', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock, credentials: () => ({ username: USER, password: 'Wr0ng-battery' }) });
    const error = await client.getDigest(`${bearer}/team/app:oci`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(401);
    expect((error as Error).message).toBe(`authentication failed for ${bearer}`);
    expect(String((error as Error).stack)).not.toContain('Wr0ng-battery');
  });

  it('fails cleanly when an anonymous token grants no access', async () => {
    const client = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock });
    const error = await client.listTags(`${bearer}/team/app`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe(`authentication failed for ${bearer}`);
  });
});

// ---------------------------------------------------------------------------

function basicAuth(): string {
  return `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRegistry(name: string, port: number, authYaml: string): Promise<void> {
  const config = join(workDir, `${name}.yml`);
  await writeFile(
    config,
    `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${join(workDir, `${name}-data`)}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: sentinel-e2e-${name}-secret
${authYaml}`,
  );
  const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));

  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry (${name}) exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry (${name}) did not start on port ${port}: ${stderr}`);
}

/** A JWT the registry accepts: RS256, signed by the key whose certificate it trusts. */
function issueToken(scopes: string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const access = scopes.flatMap((scope) => {
    const m = /^repository:(.+):([a-z,*]+)$/.exec(scope);
    return m === null ? [] : [{ type: 'repository', name: m[1], actions: (m[2] ?? '').split(',') }];
  });
  const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = b64url({ typ: 'JWT', alg: 'RS256', x5c: [certDer] });
  const claims = b64url({ iss: ISSUER, sub: USER, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${Math.random()}`, access });
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), signingKey).toString('base64url');
  return `${header}.${claims}.${signature}`;
}

/** The token realm: grants what is asked to the right Basic credentials, nothing to anonymous callers. */
async function startTokenServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scopes = url.searchParams.getAll('scope');
    const header = req.headers.authorization;
    if (header !== undefined && header !== basicAuth()) {
      tokenRequests.push({ scopes, authorized: false });
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"invalid credentials"}');
      return;
    }
    const authorized = header !== undefined;
    tokenRequests.push({ scopes, authorized });
    const token = issueToken(authorized && url.searchParams.get('service') === SERVICE ? scopes : []);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function pushBlob(registry: string, repo: string, auth: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`http://${registry}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { Authorization: auth } });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start on ${registry} answered ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', `http://${registry}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'application/octet-stream' }, body: bytes });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload on ${registry} answered ${put.status}`);
  return digest;
}

/** PUT a manifest; returns the digest the registry reported (and checks it against our own hash). */
async function pushManifest(registry: string, repo: string, auth: string, reference: string, mediaType: string, manifest: unknown): Promise<string> {
  const body = new TextEncoder().encode(JSON.stringify(manifest));
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${reference}`, { method: 'PUT', headers: { Authorization: auth, 'Content-Type': mediaType }, body });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`manifest PUT ${reference} on ${registry} answered ${res.status}: ${text}`);
  const digest = res.headers.get('docker-content-digest') ?? '';
  if (digest !== sha256(body)) throw new Error(`registry reported ${digest} for a manifest whose sha256 is ${sha256(body)}`);
  return digest;
}

async function pushFixtures(registry: string, repo: string, auth: string): Promise<void> {
  const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
  const armConfig = new TextEncoder().encode(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
  const layer = new TextEncoder().encode('pretend this is a gzipped tar layer');
  const configDigest = await pushBlob(registry, repo, auth, config);
  const armConfigDigest = await pushBlob(registry, repo, auth, armConfig);
  const layerDigest = await pushBlob(registry, repo, auth, layer);

  const layers = [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.byteLength }];
  const oci = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.byteLength }, layers };
  const arm = { ...oci, config: { ...oci.config, digest: armConfigDigest, size: armConfig.byteLength } };
  const docker = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.byteLength },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigest, size: layer.byteLength }],
  };

  const ociDigest = await pushManifest(registry, repo, auth, 'oci', OCI_MANIFEST, oci);
  const armDigest = await pushManifest(registry, repo, auth, sha256(new TextEncoder().encode(JSON.stringify(arm))), OCI_MANIFEST, arm);
  const dockerDigest = await pushManifest(registry, repo, auth, 'docker', DOCKER_MANIFEST, docker);
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: ociDigest, size: new TextEncoder().encode(JSON.stringify(oci)).byteLength, platform: { architecture: 'amd64', os: 'linux' } },
      { mediaType: OCI_MANIFEST, digest: armDigest, size: new TextEncoder().encode(JSON.stringify(arm)).byteLength, platform: { architecture: 'arm64', os: 'linux' } },
    ],
  };
  const indexDigest = await pushManifest(registry, repo, auth, 'multi', OCI_INDEX, index);

  // 125 version tags on the same manifest, to list.
  const pagingTags = Array.from({ length: 125 }, (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`);
  for (let i = 0; i < pagingTags.length; i += 25) {
    await Promise.all(pagingTags.slice(i, i + 25).map((tag) => pushManifest(registry, repo, auth, tag, OCI_MANIFEST, oci)));
  }
  Object.assign(pushed, { configBytes: config, configDigest, ociDigest, dockerDigest, armDigest, indexDigest, pagingTags });
}
