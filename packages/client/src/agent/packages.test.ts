import { describe, expect, it } from 'vitest';
import { collectPackages, parseApkInfo, parseApkInstalled, parseDpkgQuery, parseRpmQuery } from './packages.js';
import type { SystemAccess } from './packages.js';

describe('package list parsers', () => {
  it('dpkg: keeps installed packages, with architecture and a differing source package', () => {
    const text = [
      'adduser\t3.134\tinstall ok installed\tall\tadduser',
      'libssl3\t3.0.15-1~deb12u1\tinstall ok installed\tamd64\topenssl',
      'old-tool\t1.0-1\tdeinstall ok config-files\tamd64\told-tool',
      'held\t2:1.2-3\thold ok installed\tamd64\t',
      'broken\t1.0\tinstall reinstreq half-installed\tamd64\tbroken',
      '',
    ].join('\n');
    expect(parseDpkgQuery(text)).toEqual([
      { name: 'adduser', version: '3.134', architecture: 'all' },
      { name: 'libssl3', version: '3.0.15-1~deb12u1', architecture: 'amd64', source: 'openssl' },
      { name: 'held', version: '2:1.2-3', architecture: 'amd64' },
    ]);
  });

  it('rpm: epoch when set, source package from the source RPM, no gpg-pubkey', () => {
    const text = [
      'openssl-libs\t1:3.0.7-24.el9\tx86_64\topenssl-3.0.7-24.el9.src.rpm',
      'bash\t5.1.8-6.el9\tx86_64\tbash-5.1.8-6.el9.src.rpm',
      'gpg-pubkey\tfd431d51-4ae0493b\t(none)\t(none)',
    ].join('\n');
    expect(parseRpmQuery(text)).toEqual([
      { name: 'openssl-libs', version: '1:3.0.7-24.el9', architecture: 'x86_64', source: 'openssl' },
      { name: 'bash', version: '5.1.8-6.el9', architecture: 'x86_64' },
    ]);
  });

  it('apk: the installed database and `apk info -v`', () => {
    const db = 'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\nC:Q1def=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\n';
    expect(parseApkInstalled(db)).toEqual([
      { name: 'musl', version: '1.2.4-r2', architecture: 'x86_64' },
      { name: 'libcrypto3', version: '3.1.4-r5', architecture: 'x86_64', source: 'openssl' },
    ]);
    expect(parseApkInfo('musl-1.2.4-r2\nca-certificates-bundle-20230506-r0\nlibc-utils-0.7.2-r5\nWARNING: ignored\n')).toEqual([
      { name: 'musl', version: '1.2.4-r2' },
      { name: 'ca-certificates-bundle', version: '20230506-r0' },
      { name: 'libc-utils', version: '0.7.2-r5' },
    ]);
  });
});

function fakeSystem(tools: Partial<Record<'dpkg-query' | 'rpm' | 'apk', string>>, files: Record<string, string> = {}): SystemAccess & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    async run(command) {
      ran.push(command);
      const out = tools[command as keyof typeof tools];
      return out === undefined ? undefined : { code: 0, stdout: out, stderr: '' };
    },
    async readFile(path) {
      return files[path];
    },
  };
}

describe('collectPackages', () => {
  it('uses the package manager of the OS first, whatever else is installed', async () => {
    const system = fakeSystem({ 'dpkg-query': 'tar\t1.34+dfsg-1.2\tinstall ok installed\tamd64\ttar\n', rpm: 'rpm-tool\t1.0-1\tx86_64\trpm-tool-1.0-1.src.rpm\n' });
    expect(await collectPackages(system, ['fedora'])).toEqual({ manager: 'rpm', packages: [{ name: 'rpm-tool', version: '1.0-1', architecture: 'x86_64' }] });
    expect((await collectPackages(system, ['debian'])).manager).toBe('dpkg');
  });

  it('falls back to whichever manager lists packages; apk reads its database', async () => {
    const system = fakeSystem({}, { '/lib/apk/db/installed': 'P:busybox\nV:1.36.1-r5\nA:x86_64\n' });
    expect(await collectPackages(system, [])).toEqual({ manager: 'apk', packages: [{ name: 'busybox', version: '1.36.1-r5', architecture: 'x86_64' }] });
    expect(system.ran).toEqual(['dpkg-query', 'rpm']);
  });

  it('says so when the host has no supported package manager', async () => {
    await expect(collectPackages(fakeSystem({}), ['debian'])).rejects.toThrow(/none of dpkg-query, rpm or apk/);
  });
});
