import { describe, expect, it } from 'vitest';
import { describeOs, osItem } from './os-item.js';

describe('osItem', () => {
  it('names the OS by its NVD CPE, with the release as NVD writes it', () => {
    expect(osItem('Debian GNU/Linux 12 (bookworm)')).toEqual({
      name: 'Debian GNU/Linux 12 (bookworm)',
      version: '12.0',
      vendor: 'debian',
      part: 'o',
      cpe: 'cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*',
    });
    expect(osItem('Ubuntu 22.04.3 LTS')?.cpe).toBe('cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*');
    expect(osItem('Alpine Linux v3.18.4')?.cpe).toBe('cpe:2.3:o:alpinelinux:alpine_linux:3.18:*:*:*:*:*:*:*');
    expect(osItem('Red Hat Enterprise Linux 9.3 (Plow)')?.cpe).toBe('cpe:2.3:o:redhat:enterprise_linux:9.0:*:*:*:*:*:*:*');
    expect(osItem('FreeBSD 14.0-RELEASE')?.cpe).toBe('cpe:2.3:o:freebsd:freebsd:14.0:*:*:*:*:*:*:*');
  });

  it('makes no item when the OS or its release is unknown', () => {
    expect(osItem(undefined)).toBeUndefined();
    expect(osItem('Unknown')).toBeUndefined();
    expect(osItem('Debian GNU/Linux trixie/sid')).toBeUndefined();
    expect(osItem('Docker Container')).toBeUndefined();
  });

  it('marks Linux distributions as platform-only (their packages carry the fixes)', () => {
    expect(describeOs('Debian GNU/Linux 12 (bookworm)')?.distribution).toBe(true);
    expect(describeOs('FreeBSD 14.0-RELEASE')?.distribution).toBe(false);
  });
});
