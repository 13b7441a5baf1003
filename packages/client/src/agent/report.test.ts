import { describe, expect, it } from 'vitest';
import { parseOsRelease } from './os-release.js';
import { planReport, softwareItems } from './report.js';
import type { SentInventory } from './report.js';

const DEBIAN = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');

describe('parseOsRelease', () => {
  it('reads quoted and unquoted values', () => {
    expect(DEBIAN).toEqual({ id: 'debian', idLike: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(parseOsRelease("# comment\nID='ubuntu'\nID_LIKE=debian\nNAME=\"Ubuntu\"\nVERSION=\"22.04.3 LTS (Jammy \\\"Jellyfish\\\")\"\n")).toEqual({
      id: 'ubuntu',
      idLike: ['debian'],
      versionId: undefined,
      prettyName: 'Ubuntu 22.04.3 LTS (Jammy "Jellyfish")',
    });
  });
});

describe('softwareItems', () => {
  it('gives each package a type and a purl naming its distribution release and source package; one item per name and version', () => {
    const items = softwareItems(
      'dpkg',
      [
        { name: 'libssl3', version: '3.0.15-1~deb12u1', architecture: 'amd64', source: 'openssl' },
        { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64', source: 'glibc' },
        { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'i386', source: 'glibc' },
        { name: 'perl', version: '1:5.36.0-7' },
      ],
      DEBIAN,
    );
    expect(items).toEqual([
      { name: 'libssl3', version: '3.0.15-1~deb12u1', package_type: 'deb', purl: 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl' },
      { name: 'libc6', version: '2.36-9+deb12u9', package_type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12&upstream=glibc' },
      { name: 'perl', version: '1:5.36.0-7', package_type: 'deb', purl: 'pkg:deb/debian/perl@1%3A5.36.0-7?distro=debian-12' },
    ]);
  });
});

describe('planReport', () => {
  const items = [
    { name: 'tar', version: '1.34+dfsg-1.2' },
    { name: 'bash', version: '5.2.15-2+b7' },
  ];
  const current = { server: 'http://s', hostname: 'h', os: 'Debian GNU/Linux 12 (bookworm)', items };
  const now = Date.parse('2025-01-02T00:00:00Z');
  const last: SentInventory = { server: 'http://s', hostname: 'h', packages: [['tar', '1.34+dfsg-1.2'], ['bash', '5.2.15-2+b6']], asset_id: 1, full_at: '2025-01-01T12:00:00Z' };

  it('sends everything the first time', () => {
    expect(planReport(current, undefined, { fullEveryMs: 86_400_000, now })).toEqual({ kind: 'full', added: 2, removed: 0, body: { hostname: 'h', os: current.os, software: items } });
  });

  it('then only what changed', () => {
    expect(planReport(current, last, { fullEveryMs: 86_400_000, now })).toEqual({
      kind: 'delta',
      added: 1,
      removed: 1,
      body: { hostname: 'h', os: current.os, delta: true, software_added: [{ name: 'bash', version: '5.2.15-2+b7' }], software_removed: [{ name: 'bash', version: '5.2.15-2+b6' }] },
    });
  });

  it('sends a full report when asked, for another server or hostname, or when the last full one is too old', () => {
    expect(planReport(current, last, { forceFull: true, fullEveryMs: 86_400_000, now }).kind).toBe('full');
    expect(planReport({ ...current, server: 'http://other' }, last, { fullEveryMs: 86_400_000, now }).kind).toBe('full');
    expect(planReport({ ...current, hostname: 'renamed' }, last, { fullEveryMs: 86_400_000, now }).kind).toBe('full');
    expect(planReport(current, last, { fullEveryMs: 6 * 3_600_000, now }).kind).toBe('full');
  });
});
