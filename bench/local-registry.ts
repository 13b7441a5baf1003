import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Debian `docker-registry` started on a free loopback port, storing in a temp dir. */
export interface LocalRegistry {
  addr: string;
  push(repository: string, tag: string, marker?: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'sk-bench-reg-'));
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${addr}\n`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://${addr}/v2/`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const uploadBlob = async (repository: string, data: Buffer): Promise<string> => {
    const digest = sha256(data);
    const start = await fetch(`http://${addr}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    const location = new URL(start.headers.get('location') ?? '', `http://${addr}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`blob upload failed: ${put.status} ${await put.text()}`);
    return digest;
  };

  const configs = new Map<string, { digest: string; size: number }>();
  return {
    addr,
    /** Push a tiny image manifest for `repository:tag`; `marker` makes its digest distinct. */
    async push(repository, tag, marker = `${repository}:${tag}`) {
      let cfg = configs.get(`${repository}|${marker}`);
      if (cfg === undefined) {
        const data = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { marker } }, rootfs: { type: 'layers', diff_ids: [] } }));
        cfg = { digest: await uploadBlob(repository, data), size: data.length };
        configs.set(`${repository}|${marker}`, cfg);
      }
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg.digest, size: cfg.size },
        layers: [],
      });
      const res = await fetch(`http://${addr}/v2/${repository}/manifests/${tag}`, {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      });
      if (res.status !== 201) throw new Error(`manifest push failed: ${res.status} ${await res.text()}`);
      return res.headers.get('docker-content-digest') ?? sha256(manifest);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
