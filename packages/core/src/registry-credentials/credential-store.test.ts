import { describe, expect, it } from 'vitest';
import { InvalidError, NotFoundError } from '../errors/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { createRegistryCredentialStore, MASKED_SECRET } from './credential-store.js';
import { normalizeRegistryName } from './registry-name.js';
import { registryCredentialsConfigSection, REDACTED_SECRET } from './config-section.js';

const hub = { id: 'r1', registry: 'docker.io', username: 'myuser', secret: 'dckr_pat_abc' };
const ghcr = { id: 'r2', registry: 'ghcr.io', username: 'octo', secret: 'ghp_secret_123' };

describe('normalizeRegistryName', () => {
  it('maps Docker Hub aliases and config.json spellings to docker.io', () => {
    for (const name of ['docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io', 'DOCKER.IO']) {
      expect(normalizeRegistryName(name)).toBe('docker.io');
    }
  });

  it('keeps other hosts with their port, lowercased', () => {
    expect(normalizeRegistryName('GHCR.io')).toBe('ghcr.io');
    expect(normalizeRegistryName('https://Registry.LAN:5000/')).toBe('registry.lan:5000');
    expect(normalizeRegistryName('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });

  it('refuses paths, bad hosts and ports', () => {
    for (const bad of ['', 'ghcr.io/org/repo', 'exa mple.com', 'host:99999', 'host:', '-bad.com', 'ftp://x.com']) {
      expect(() => normalizeRegistryName(bad), bad).toThrow(InvalidError);
    }
  });
});

describe('createRegistryCredentialStore', () => {
  it('saves a list, lists it masked and answers lookups synchronously with the real secret', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    expect(store.lookup('docker.io')).toBeUndefined();
    await store.save([hub, { ...ghcr, registry: 'GHCR.IO' }]);
    expect(await store.list()).toEqual([
      { id: 'r1', registry: 'docker.io', username: 'myuser', secret: MASKED_SECRET },
      { id: 'r2', registry: 'ghcr.io', username: 'octo', secret: MASKED_SECRET },
    ]);
    expect(store.lookup('docker.io')).toEqual({ username: 'myuser', password: 'dckr_pat_abc' });
    expect(store.lookup('index.docker.io')).toEqual({ username: 'myuser', password: 'dckr_pat_abc' });
    expect(store.lookup('ghcr.io')).toEqual({ username: 'octo', password: 'ghp_secret_123' });
    expect(store.lookup('quay.io')).toBeUndefined();
    expect(store.registries()).toEqual(['docker.io', 'ghcr.io']);
  });

  it('survives a restart: a new store over the same storage loads the saved credentials', async () => {
    const storage = createMemoryStorage();
    await createRegistryCredentialStore(storage).save([hub]);
    const reopened = createRegistryCredentialStore(storage);
    expect(reopened.lookup('docker.io')).toBeUndefined();
    await reopened.load();
    expect(reopened.lookup('docker.io')).toEqual({ username: 'myuser', password: 'dckr_pat_abc' });
  });

  it('replaces the whole list: entries left out are deleted', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub, ghcr]);
    await store.save([ghcr]);
    expect((await store.list()).map((c) => c.id)).toEqual(['r2']);
    expect(store.lookup('docker.io')).toBeUndefined();
  });

  it('restores a masked secret from the credential saved under the same id and registry', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub]);
    await store.save([{ ...hub, username: 'renamed', secret: MASKED_SECRET }]);
    expect(store.lookup('docker.io')).toEqual({ username: 'renamed', password: 'dckr_pat_abc' });
    await store.save([{ ...hub, secret: 'dckr****' }]);
    expect(store.lookup('docker.io')?.password).toBe('dckr_pat_abc');
  });

  it('never moves a saved secret to another registry through a mask', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub]);
    const error = await store.save([{ ...hub, registry: 'evil.example.com', secret: MASKED_SECRET }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as Error).message).toMatch(/masked/);
    expect(store.lookup('docker.io')?.password).toBe('dckr_pat_abc');
    expect(store.lookup('evil.example.com')).toBeUndefined();
  });

  it('rejects bad entries as a whole, changing nothing', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub]);
    const bad = [
      [{ ...ghcr }, { ...ghcr, registry: 'quay.io' }], // duplicate id
      [hub, { ...ghcr, registry: 'index.docker.io' }], // duplicate registry after normalisation
      [{ ...ghcr, id: 'has space' }],
      [{ ...ghcr, registry: 'ghcr.io/org' }],
      [{ ...ghcr, username: 'a:b' }],
      [{ ...ghcr, username: '   ' }],
      [{ ...ghcr, secret: '' }],
      [{ ...ghcr, id: 'new', secret: MASKED_SECRET }], // nothing saved under this id
    ];
    for (const list of bad) {
      await expect(store.save(list), JSON.stringify(list)).rejects.toBeInstanceOf(InvalidError);
    }
    expect(await store.list()).toEqual([{ ...hub, secret: MASKED_SECRET }]);
    expect(store.lookup('docker.io')?.password).toBe('dckr_pat_abc');
  });

  it('deletes by id; an unknown id is NotFoundError', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub, ghcr]);
    expect(await store.delete('r1')).toEqual({ ...hub, secret: MASKED_SECRET });
    expect(store.lookup('docker.io')).toBeUndefined();
    await expect(store.delete('r1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.list()).map((c) => c.id)).toEqual(['r2']);
  });

  it('resolve() unmasks a secret for a test by id or by registry, never across registries', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub]);
    expect(await store.resolve({ id: 'r1', registry: 'docker.io', username: 'myuser', secret: MASKED_SECRET })).toMatchObject({ secret: 'dckr_pat_abc' });
    expect(await store.resolve({ registry: 'index.docker.io', username: 'myuser', secret: MASKED_SECRET })).toMatchObject({ registry: 'docker.io', secret: 'dckr_pat_abc' });
    expect(await store.resolve({ registry: 'ghcr.io', username: 'x', secret: 'plain' })).toMatchObject({ registry: 'ghcr.io', secret: 'plain' });
    await expect(store.resolve({ id: 'r1', registry: 'ghcr.io', username: 'myuser', secret: MASKED_SECRET })).rejects.toBeInstanceOf(InvalidError);
  });

  it('concurrent saves are applied one after the other: the last one wins in storage and memory alike', async () => {
    const storage = createMemoryStorage();
    const store = createRegistryCredentialStore(storage);
    await Promise.all([store.save([hub]), store.save([ghcr])]);
    const reopened = createRegistryCredentialStore(storage);
    expect(await reopened.list()).toEqual(await store.list());
    expect((await store.list()).map((c) => c.id)).toEqual(['r2']);
  });
});

describe('registryCredentialsConfigSection', () => {
  it('exports with secrets redacted unless asked for them', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub]);
    const section = registryCredentialsConfigSection(store);
    expect(await section.export({ secrets: false })).toEqual([{ ...hub, secret: REDACTED_SECRET }]);
    expect(await section.export({ secrets: true })).toEqual([hub]);
  });

  it('imports by merging: same id or registry replaced, redacted secrets skipped and counted, nothing written before apply()', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub, ghcr]);
    const section = registryCredentialsConfigSection(store);
    const prepared = await section.prepare([
      { id: 'hub2', registry: 'index.docker.io', username: 'other', secret: 'new-secret' },
      { id: 'r2', registry: 'ghcr.io', username: 'octo', secret: REDACTED_SECRET },
      { id: 'q', registry: 'quay.io', username: 'q', secret: 'q-secret' },
    ]);
    expect(prepared).toMatchObject({ imported: 2, redactedSkipped: 1 });
    expect(prepared.warnings).toEqual(['registry credential "r2" skipped: its secret is redacted']);
    expect(store.lookup('docker.io')?.password).toBe('dckr_pat_abc');
    await prepared.apply();
    expect((await store.list()).map((c) => `${c.id}@${c.registry}`)).toEqual(['hub2@docker.io', 'q@quay.io', 'r2@ghcr.io']);
    expect(store.lookup('docker.io')).toEqual({ username: 'other', password: 'new-secret' });
    expect(store.lookup('ghcr.io')?.password).toBe('ghp_secret_123');
  });

  it('refuses a malformed backup entry without writing', async () => {
    const store = createRegistryCredentialStore(createMemoryStorage());
    await store.save([hub]);
    const section = registryCredentialsConfigSection(store);
    await expect(section.prepare([{ id: 'x', registry: 'ghcr.io', username: 'u' }])).rejects.toBeInstanceOf(InvalidError);
    await expect(section.prepare([{ id: 'x', registry: 'not a host', username: 'u', secret: 's' }])).rejects.toBeInstanceOf(InvalidError);
    await expect(section.prepare([{ id: 'x', registry: 'ghcr.io', username: 'u', secret: 's' }, { id: 'x', registry: 'quay.io', username: 'u', secret: 's' }])).rejects.toBeInstanceOf(InvalidError);
    expect(await store.entries()).toEqual([hub]);
  });
});
