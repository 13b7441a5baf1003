import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from './apk-installed.js';
import { parseDpkgStatus } from './dpkg-status.js';
import { describeOs, parseOsRelease } from './os-release.js';
import { toInventoryItems } from './package-items.js';
import { packageIdentity, parsePurl } from '../matcher/package-identity.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseDpkgStatus', () => {
  const packages = parseDpkgStatus(fixture('dpkg-status-debian12.txt'));

  it('reads every installed package with its exact version, architecture and source', () => {
    expect(packages.map((p) => `${p.name}=${p.version}`)).toEqual([
      'base-files=12.4+deb12u5',
      'libc6=2.36-9+deb12u4',
      'libssl3=3.0.11-1~deb12u2',
      'zlib1g=1:1.2.13.dfsg-1',
      'libzstd1=1.5.4+dfsg2-5',
      'tar=1.34+dfsg-1.2+deb12u1',
      'libgnutls30=3.7.9-2+deb12u2',
      'libsystemd0=252.22-1~deb12u1',
      'ncurses-base=6.4-4',
    ]);
    expect(packages.find((p) => p.name === 'libssl3')).toEqual({
      manager: 'dpkg',
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      architecture: 'amd64',
      source: 'openssl',
      source_version: null,
    });
    expect(packages.find((p) => p.name === 'tar')).toMatchObject({ source: null, architecture: 'amd64' });
    expect(packages.find((p) => p.name === 'ncurses-base')).toMatchObject({ source: 'ncurses', architecture: 'all' });
  });

  it('leaves out packages that are removed with only their configuration files left', () => {
    expect(packages.some((p) => p.name === 'libsemanage-common')).toBe(false);
  });

  it('reads a binNMU source version, CRLF line ends, and stanzas without Status (distroless status.d)', () => {
    const text = [
      'Package: libfoo1',
      'Status: install ok installed',
      'Source: foo (1.2-3)',
      'Version: 1.2-3+b1',
      'Description: a library',
      ' with a long description',
      '',
      'Package: bar',
      'Status: purge ok not-installed',
      'Version: 2.0',
      '',
      'Package: nostatus',
      'Version: 0.1-1',
      'Architecture: arm64',
    ].join('\r\n');
    expect(parseDpkgStatus(text)).toEqual([
      { manager: 'dpkg', name: 'libfoo1', version: '1.2-3+b1', architecture: null, source: 'foo', source_version: '1.2-3' },
      { manager: 'dpkg', name: 'nostatus', version: '0.1-1', architecture: 'arm64', source: null, source_version: null },
    ]);
  });

  it('skips stanzas without a name or version and answers [] for text that is not a status file', () => {
    expect(parseDpkgStatus('Package: x\n\nVersion: 1\n')).toEqual([]);
    expect(parseDpkgStatus('')).toEqual([]);
    expect(parseDpkgStatus('\u0000\u0001binary')).toEqual([]);
  });
});

describe('parseApkInstalled', () => {
  it('reads name, version, architecture and origin of every package, ignoring file lists', () => {
    const packages = parseApkInstalled(fixture('apk-installed-alpine318.txt'));
    expect(packages.map((p) => `${p.name}=${p.version}:${p.source ?? ''}`)).toEqual([
      'musl=1.2.4-r2:musl',
      'busybox=1.36.1-r5:busybox',
      'libcrypto3=3.1.4-r1:openssl',
      'libssl3=3.1.4-r1:openssl',
      'zlib=1.2.13-r1:zlib',
      'ca-certificates-bundle=20230506-r0:ca-certificates',
    ]);
    expect(packages[0]).toEqual({ manager: 'apk', name: 'musl', version: '1.2.4-r2', architecture: 'x86_64', source: 'musl', source_version: null });
  });

  it('skips incomplete stanzas', () => {
    expect(parseApkInstalled('P:only-name\n\nV:1.0\n\nP:ok\nV:1-r0\n')).toEqual([
      { manager: 'apk', name: 'ok', version: '1-r0', architecture: null, source: null, source_version: null },
    ]);
  });
});

describe('parseOsRelease', () => {
  it('reads Debian and Alpine os-release files', () => {
    const debian = parseOsRelease(fixture('os-release-debian12.txt'));
    expect(debian).toEqual({
      id: 'debian',
      id_like: [],
      version_id: '12',
      version_codename: 'bookworm',
      pretty_name: 'Debian GNU/Linux 12 (bookworm)',
      name: 'Debian GNU/Linux',
    });
    expect(describeOs(debian!)).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(parseOsRelease(fixture('os-release-alpine318.txt'))).toMatchObject({ id: 'alpine', version_id: '3.18.4', pretty_name: 'Alpine Linux v3.18' });
  });

  it('unquotes single and double quotes with escapes, ignores comments, lists ID_LIKE', () => {
    expect(parseOsRelease("# comment\nID=ubuntu\nID_LIKE='debian'\nNAME=\"A \\\"quoted\\\" name\"\nVERSION_ID=\"22.04\"\n")).toMatchObject({
      id: 'ubuntu',
      id_like: ['debian'],
      name: 'A "quoted" name',
      version_id: '22.04',
    });
  });

  it('answers undefined for a file without ID or NAME', () => {
    expect(parseOsRelease('hello world\n')).toBeUndefined();
  });
});

describe('toInventoryItems', () => {
  it('gives dpkg packages a deb purl naming the source package and the Debian release', () => {
    const items = toInventoryItems(parseDpkgStatus(fixture('dpkg-status-debian12.txt')), parseOsRelease(fixture('os-release-debian12.txt')));
    const ssl = items.find((i) => i.name === 'libssl3');
    expect(ssl).toEqual({
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      package_type: 'deb',
      purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
      os_family: 'debian 12',
    });
    // The epoch's colon is percent-encoded and decodes back.
    const zlib = items.find((i) => i.name === 'zlib1g');
    expect(parsePurl(zlib?.purl ?? '')).toMatchObject({ type: 'deb', namespace: 'debian', name: 'zlib1g', version: '1:1.2.13.dfsg-1' });
    // What the matcher looks up in OSV: Debian 12's source package.
    expect(packageIdentity(ssl!)).toEqual({ family: 'debian', name: 'openssl', release: '12' });
    expect(packageIdentity(items.find((i) => i.name === 'tar')!)).toEqual({ family: 'debian', name: 'tar', release: '12' });
  });

  it('gives apk packages an Alpine purl with the origin and release', () => {
    const items = toInventoryItems(parseApkInstalled(fixture('apk-installed-alpine318.txt')), parseOsRelease(fixture('os-release-alpine318.txt')));
    const crypto = items.find((i) => i.name === 'libcrypto3');
    expect(crypto?.purl).toBe('pkg:apk/alpine/libcrypto3@3.1.4-r1?arch=x86_64&distro=alpine-3.18.4&upstream=openssl');
    expect(packageIdentity(crypto!)).toEqual({ family: 'alpine', name: 'openssl', release: '3.18.4' });
  });

  it('uses ID_LIKE for a derivative and falls back to the package type without an os-release', () => {
    const raspbian = parseOsRelease('ID=raspbian\nID_LIKE=debian\nVERSION_ID="12"\n');
    const [item] = toInventoryItems([{ manager: 'dpkg', name: 'bash', version: '5.2.15-2+b2', architecture: 'armhf', source: null, source_version: null }], raspbian);
    expect(item?.purl).toBe('pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=armhf&distro=debian-12');
    const [bare] = toInventoryItems([{ manager: 'apk', name: 'musl', version: '1.2.4-r2', architecture: null, source: 'musl', source_version: null }], undefined);
    expect(bare).toEqual({ name: 'musl', version: '1.2.4-r2', package_type: 'apk', purl: 'pkg:apk/alpine/musl@1.2.4-r2' });
  });
});
