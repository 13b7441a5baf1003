import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { compareTags, newerVersions, resolveVersionForDigest } from './index.js';

// Tag lists shaped like the real repositories (trimmed), in registry order
// (lexical, as /v2/<name>/tags/list returns them).
const NGINX = [
  '1',
  '1-alpine',
  '1.26',
  '1.26.3',
  '1.26.3-alpine',
  '1.27',
  '1.27-alpine',
  '1.27.3',
  '1.27.3-alpine',
  '1.27.4',
  '1.27.4-alpine',
  '1.27.4-alpine-slim',
  '1.27.4-alpine3.21',
  '1.27.4-alpine3.21-perl',
  '1.27.4-bookworm',
  '1.27.4-perl',
  '1.27.5',
  '1.27.5-alpine',
  '1.27.5-alpine-slim',
  '1.27.5-alpine3.21',
  '1.27.5-alpine3.21-perl',
  '1.27.5-bookworm',
  '1.27.5-perl',
  '1.28',
  '1.28-alpine',
  '1.28.0',
  '1.28.0-alpine',
  '1.28.0-alpine3.21',
  '1.28.0-bookworm',
  '1.29',
  '1.29.0',
  '1.29.0-alpine',
  'alpine',
  'alpine-slim',
  'bookworm',
  'latest',
  'mainline',
  'mainline-alpine',
  'perl',
  'stable',
  'stable-alpine',
];

const POSTGRES = [
  '16',
  '16-alpine',
  '16.1',
  '16.1-alpine3.19',
  '16.2',
  '16.2-alpine',
  '16.2-alpine3.19',
  '16.2-bookworm',
  '16.3',
  '16.3-alpine',
  '16.3-alpine3.19',
  '16.3-alpine3.20',
  '16.3-bookworm',
  '16.4-alpine3.20',
  '17',
  '17-alpine',
  '17.0',
  '17.0-alpine3.20',
  '17beta3',
  '17beta3-alpine3.20',
  '17rc1',
  '17rc1-alpine3.20',
  'alpine',
  'alpine3.20',
  'bookworm',
  'latest',
];

const PYTHON = [
  '3.12.4',
  '3.12.4-slim-bookworm',
  '3.13',
  '3.13-rc',
  '3.13-rc-alpine',
  '3.13.0',
  '3.13.0-alpine3.20',
  '3.13.0-slim-bookworm',
  '3.13.0a6',
  '3.13.0b1',
  '3.13.0b1-alpine3.20',
  '3.13.0b1-slim-bookworm',
  '3.13.0b2',
  '3.13.0b2-slim-bookworm',
  '3.13.0rc1',
  '3.13.0rc1-slim-bookworm',
  '3.13.1',
  '3.13.1-slim-bookworm',
  '3.14.0a1',
  '3.14.0a1-slim-bookworm',
  'latest',
  'slim',
];

const NODE = [
  '20',
  '20-bookworm-slim',
  '20.11.1',
  '20.11.1-alpine3.19',
  '20.11.1-bookworm',
  '20.11.1-bookworm-slim',
  '20.11.1-slim',
  '20.12.0-bookworm-slim',
  '20.12.2-bookworm-slim',
  '21.7.1-bookworm-slim',
  '22.0.0-bookworm-slim',
  'hydrogen',
  'iron-bookworm-slim',
  'lts-bookworm-slim',
  'current-bookworm-slim',
];

const LINUXSERVER = [
  'latest',
  'develop',
  'v1.2.3-ls44',
  'v1.2.3-ls45',
  'v1.2.3-ls46',
  'v1.2.4-ls47',
  'v1.3.0-ls48',
  '1.3.0-ls48',
  'version-v1.3.0',
  'amd64-v1.3.0-ls48',
  'arm64v8-v1.3.0-ls48',
];

const REDIS = [
  '7',
  '7-alpine',
  '7.2',
  '7.2-alpine',
  '7.2.4',
  '7.2.4-alpine',
  '7.2.4-alpine3.19',
  '7.2.4-bookworm',
  '7.2.5',
  '7.2.5-alpine',
  '7.4-rc2',
  '7.4-rc2-alpine',
  '7.4.0',
  '7.4.0-alpine',
  '7.4',
  '7.4-alpine',
  '8',
  '8.0-M02',
  '8.0',
  'alpine',
  'latest',
];

const HOME_ASSISTANT = ['0.118.5', '2025.12.3', '2026.3.4', '2026.4.0', '2026.4.1', '2026.4', '2026.5.0b0', '2026.5.0b1', '2026.5.0', 'beta', 'dev', 'latest', 'stable'];

const UBUNTU = ['20231004', '20240101', '20240212', 'jammy', 'jammy-20231004', 'jammy-20240111', 'noble', 'noble-20240423', '22.04', '23.10', '24.04', 'latest', 'rolling'];

const SIGNED_REPO = [
  '1.4.0',
  '1.4.1',
  '1.5.0',
  'sha-3f2a9c1',
  '3f2a9c1b4e5d6f708192a3b4c5d6e7f801234567',
  `sha256-${'ab'.repeat(32)}.sig`,
  `sha256-${'cd'.repeat(32)}.att`,
  `sha256-${'ef'.repeat(32)}.sbom`,
  'main',
  'latest',
];

describe('newerVersions: variants', () => {
  it('moves a suffixed tag only to the same suffix', () => {
    expect(newerVersions('1.27.4-alpine', NGINX)).toEqual(['1.29.0-alpine', '1.28.0-alpine', '1.27.5-alpine']);
    expect(newerVersions('1.27.4-alpine-slim', NGINX)).toEqual(['1.27.5-alpine-slim']);
    expect(newerVersions('1.27.4-alpine3.21-perl', NGINX)).toEqual(['1.27.5-alpine3.21-perl']);
    expect(newerVersions('20.11.1-bookworm-slim', NODE)).toEqual(['22.0.0-bookworm-slim', '21.7.1-bookworm-slim', '20.12.2-bookworm-slim', '20.12.0-bookworm-slim']);
  });

  it('never moves a bare tag to a suffixed one', () => {
    expect(newerVersions('1.27.4', NGINX)).toEqual(['1.29.0', '1.28.0', '1.27.5']);
    expect(newerVersions('20.11.1', NODE)).toEqual([]);
  });

  it('never moves a suffixed tag to a bare one', () => {
    expect(newerVersions('20.11.1-slim', ['20.11.2', '20.12.0', '21.0.0'])).toEqual([]);
  });

  it('keeps a versioned base image: alpine3.19 does not become alpine3.20', () => {
    expect(newerVersions('16.2-alpine3.19', POSTGRES)).toEqual(['16.3-alpine3.19']);
    expect(newerVersions('16.3-alpine3.20', POSTGRES)).toEqual(['17.0-alpine3.20', '16.4-alpine3.20']);
    expect(newerVersions('16.2-alpine', POSTGRES)).toEqual(['16.3-alpine']);
  });

  it('requires the same leading v', () => {
    const traefik = ['v2.11.0', 'v3.0.0', 'v3.0.1', '3.0.1', '3.1.0', 'v3.0', 'v3'];
    expect(newerVersions('v3.0.0', traefik)).toEqual(['v3.0.1']);
    expect(newerVersions('3.0.0', traefik)).toEqual(['3.1.0', '3.0.1']);
  });

  it('treats a hash-suffixed tag as suffixed', () => {
    expect(newerVersions('1.2.3', ['1.2.4-abc1234', '1.2.4'])).toEqual(['1.2.4']);
    expect(newerVersions('1.2.3-abc1234', ['1.2.4-def5678', '1.2.4', '1.2.2-0123abc'])).toEqual(['1.2.4-def5678']);
  });
});

describe('newerVersions: arity', () => {
  it('only offers tags with the same number of components', () => {
    const php = ['8', '8.1', '8.1.0', '8.1.5', '8.2', '8.2.5', '9', '9.0', '9.0.0'];
    expect(newerVersions('8.1.0', php)).toEqual(['9.0.0', '8.2.5', '8.1.5']);
    expect(newerVersions('8.1', php)).toEqual(['9.0', '8.2']);
    expect(newerVersions('8', php)).toEqual(['9']);
  });

  it('moves less specific tags within their own arity', () => {
    expect(newerVersions('1.27', NGINX)).toEqual(['1.29', '1.28']);
    expect(newerVersions('1.27-alpine', NGINX)).toEqual(['1.28-alpine']);
    expect(newerVersions('16', POSTGRES)).toEqual(['17']);
    expect(newerVersions('7.2', REDIS)).toEqual(['8.0', '7.4']);
  });

  it('orders four-component versions (linuxserver, plex)', () => {
    const plex = ['1.40.0.7998-c29d4c0c8-ls220', '1.40.1.8227-c0dd5a73e-ls221', '1.40.1.8227-c0dd5a73e-ls222', '1.39.9.8000-aaaaaaa1-ls219', 'latest'];
    expect(newerVersions('1.40.0.7998-c29d4c0c8-ls220', plex)).toEqual(['1.40.1.8227-c0dd5a73e-ls222', '1.40.1.8227-c0dd5a73e-ls221']);
  });
});

describe('newerVersions: pre-releases', () => {
  it('never offers a pre-release to a stable tag', () => {
    expect(newerVersions('3.12.4', PYTHON)).toEqual(['3.13.1', '3.13.0']);
    expect(newerVersions('16.2', POSTGRES)).toEqual(['17.0', '16.3']);
    expect(newerVersions('16', POSTGRES)).not.toContain('17rc1');
    expect(newerVersions('7.2', REDIS)).not.toContain('7.4-rc2');
    expect(newerVersions('2026.4.0', HOME_ASSISTANT)).toEqual(['2026.5.0', '2026.4.1']);
    const misc = ['1.2.3', '1.2.4-rc1', '1.2.4-rc.1', '1.2.4-beta', '1.2.4-alpha.1', '1.2.4-dev', '1.2.4-nightly', '1.2.4-SNAPSHOT', '1.2.4-canary.3', '1.2.4-preview', '1.2.4-edge', '1.2.4.dev0', '1.2.4a1', '1.2.4b1', '1.3.0'];
    expect(newerVersions('1.2.3', misc)).toEqual(['1.3.0']);
  });

  it('offers newer pre-releases of the same version and newer stable releases to a pre-release', () => {
    expect(newerVersions('3.13.0b1', PYTHON)).toEqual(['3.13.1', '3.13.0', '3.13.0rc1', '3.13.0b2']);
    expect(newerVersions('3.13.0b1-slim-bookworm', PYTHON)).toEqual(['3.13.1-slim-bookworm', '3.13.0-slim-bookworm', '3.13.0rc1-slim-bookworm', '3.13.0b2-slim-bookworm']);
    expect(newerVersions('17beta3', POSTGRES)).toEqual(['17', '17rc1']);
    expect(newerVersions('7.4-rc2', REDIS)).toEqual(['8.0', '7.4']);
  });

  it('does not carry a pre-release into the next version line', () => {
    expect(newerVersions('3.13.0b1', PYTHON)).not.toContain('3.14.0a1');
  });

  it('does not offer an earlier stage or a different label of the same stage', () => {
    const tags = ['2.0.0-alpha.3', '2.0.0-beta.1', '2.0.0-beta.2', '2.0.0-nightly.9', '2.0.0-canary.1', '2.0.0-canary.4', '2.0.0-rc.1', '2.0.0'];
    expect(newerVersions('2.0.0-beta.1', tags)).toEqual(['2.0.0', '2.0.0-rc.1', '2.0.0-beta.2']);
    expect(newerVersions('2.0.0-canary.2', tags)).toEqual(['2.0.0', '2.0.0-rc.1', '2.0.0-beta.2', '2.0.0-beta.1', '2.0.0-alpha.3', '2.0.0-canary.4']);
  });

  it('orders pre-releases dev < alpha < beta < rc < release', () => {
    const tags = ['1.0.0', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0-beta', '1.0.0-alpha.1', '1.0.0-dev'];
    expect(newerVersions('1.0.0-dev', tags)).toEqual(['1.0.0', '1.0.0-rc.10', '1.0.0-rc.2', '1.0.0-beta', '1.0.0-alpha.1']);
  });
});

describe('newerVersions: equality and order', () => {
  it('never offers an equal or lower version', () => {
    expect(newerVersions('1.2.3', ['1.2.3', '1.2.03', '1.2.2', '1.1.9', '0.9.0'])).toEqual([]);
    expect(newerVersions('1.2.03', ['1.2.3', '1.2.4'])).toEqual(['1.2.4']);
  });

  it('compares components numerically, not lexically', () => {
    expect(newerVersions('1.9.0', ['1.10.0', '1.9.10', '1.9.9', '1.8.99'])).toEqual(['1.10.0', '1.9.10', '1.9.9']);
  });

  it('returns newest first with duplicates removed', () => {
    expect(newerVersions('1.0.0', ['1.0.1', '1.2.0', '1.0.1', '1.1.0', '1.2.0', '1.01.0'])).toEqual(['1.2.0', '1.1.0', '1.0.1']);
  });

  it('accepts any iterable of tags', () => {
    expect(newerVersions('1.0.0', new Set(['1.0.1', '1.0.2']))).toEqual(['1.0.2', '1.0.1']);
  });

  it('returns nothing for a non-version current tag', () => {
    expect(newerVersions('latest', NGINX)).toEqual([]);
    expect(newerVersions('mainline-alpine', NGINX)).toEqual([]);
    expect(newerVersions('sha-3f2a9c1', SIGNED_REPO)).toEqual([]);
  });
});

describe('newerVersions: build counters', () => {
  it('orders by version first, then by build counter', () => {
    expect(newerVersions('v1.2.3-ls45', LINUXSERVER)).toEqual(['v1.3.0-ls48', 'v1.2.4-ls47', 'v1.2.3-ls46']);
  });

  it('keeps the linuxserver prefix styles apart', () => {
    expect(newerVersions('1.2.3-ls45', LINUXSERVER)).toEqual(['1.3.0-ls48']);
    expect(newerVersions('version-v1.2.0', LINUXSERVER)).toEqual(['version-v1.3.0']);
    expect(newerVersions('amd64-v1.2.3-ls45', LINUXSERVER)).toEqual(['amd64-v1.3.0-ls48']);
  });

  it('handles bitnami -rN, temurin _N and redis-stack -vN', () => {
    const bitnami = ['8.2.1-debian-12-r2', '8.2.1-debian-12-r3', '8.2.1-debian-12-r4', '8.2.2-debian-12-r0', '8.2.2-debian-11-r9', '8.2.2'];
    expect(newerVersions('8.2.1-debian-12-r3', bitnami)).toEqual(['8.2.2-debian-12-r0', '8.2.1-debian-12-r4']);
    const temurin = ['21.0.2_13-jdk-jammy', '21.0.3_9-jdk-jammy', '21.0.3_9-jre-jammy', '21-jdk-jammy'];
    expect(newerVersions('21.0.2_13-jdk-jammy', temurin)).toEqual(['21.0.3_9-jdk-jammy']);
    const stack = ['7.2.0-v9', '7.2.0-v10', '7.2.0-v11', '7.4.0-v0'];
    expect(newerVersions('7.2.0-v10', stack)).toEqual(['7.4.0-v0', '7.2.0-v11']);
  });

  it('never moves a tag without a build counter to one with it', () => {
    expect(newerVersions('1.2.3', ['1.2.3-1', '1.2.4-1', '1.2.4'])).toEqual(['1.2.4']);
  });
});

describe('newerVersions: date versions', () => {
  it('moves calver only to calver', () => {
    expect(newerVersions('0.118.5', HOME_ASSISTANT)).toEqual([]);
    expect(newerVersions('2025.12.3', HOME_ASSISTANT)).toEqual(['2026.5.0', '2026.4.1', '2026.4.0', '2026.3.4']);
    expect(newerVersions('2026.04.0', HOME_ASSISTANT)).toEqual(['2026.5.0', '2026.4.1']);
  });

  it('never moves semver to a date and vice versa', () => {
    expect(newerVersions('999.0.0', ['1000.0.0', '2024.1.0', '999.1.0'])).toEqual(['999.1.0']);
    expect(newerVersions('2024.1.0', ['3.0.0', '2024.2.0'])).toEqual(['2024.2.0']);
  });

  it('compares 8-digit dates and dated codenames as numbers', () => {
    expect(newerVersions('20240101', UBUNTU)).toEqual(['20240212']);
    expect(newerVersions('jammy-20231004', UBUNTU)).toEqual(['jammy-20240111']);
    expect(newerVersions('22.04', UBUNTU)).toEqual(['24.04', '23.10']);
  });

  it('keeps dashed dates in their own family', () => {
    expect(newerVersions('2024-01-01', ['2024-01-02', '2024-02-01', '2024.1.2', '20240102', '2023-12-31'])).toEqual(['2024-02-01', '2024-01-02']);
  });
});

describe('newerVersions: ignored artifacts', () => {
  it('skips commit hashes, digests, signatures and attestations', () => {
    expect(newerVersions('1.4.0', SIGNED_REPO)).toEqual(['1.5.0', '1.4.1']);
  });
});

describe('newerVersions: include and exclude filters', () => {
  it('keeps only tags matching include', () => {
    expect(newerVersions('1.27.4', NGINX, { include: '^1\\.27\\.' })).toEqual(['1.27.5']);
    expect(newerVersions('1.27.4', NGINX, { include: /^1\.2[78]\./ })).toEqual(['1.28.0', '1.27.5']);
  });

  it('drops tags matching exclude', () => {
    expect(newerVersions('22.04', UBUNTU, { exclude: '\\.10$' })).toEqual(['24.04']);
    expect(newerVersions('1.27.4', NGINX, { include: '^1\\.', exclude: /^1\.29/ })).toEqual(['1.28.0', '1.27.5']);
  });

  it('treats empty or missing patterns as no filter', () => {
    expect(newerVersions('1.27.4', NGINX, { include: '', exclude: '  ' })).toEqual(['1.29.0', '1.28.0', '1.27.5']);
    expect(newerVersions('1.27.4', NGINX, { include: undefined, exclude: undefined })).toEqual(['1.29.0', '1.28.0', '1.27.5']);
  });

  it('is not fooled by a global RegExp', () => {
    // A shared /g regex keeps lastIndex between test() calls and would drop every other match.
    const include = /^1\.2/g;
    expect(newerVersions('1.27.4', NGINX, { include })).toEqual(['1.29.0', '1.28.0', '1.27.5']);
    expect(newerVersions('1.27.4', NGINX, { include })).toEqual(['1.29.0', '1.28.0', '1.27.5']);
  });

  it('throws InvalidError naming the label for an invalid regex', () => {
    expect(() => newerVersions('1.27.4', NGINX, { include: '(' })).toThrow(InvalidError);
    expect(() => newerVersions('1.27.4', NGINX, { include: '(' })).toThrow(/sentinel\.include-tags.*"\("/);
    expect(() => newerVersions('1.27.4', NGINX, { exclude: '[a-' })).toThrow(/sentinel\.exclude-tags/);
    // Even when the current tag has nothing to compare, a broken label is reported.
    expect(() => newerVersions('latest', NGINX, { exclude: '*' })).toThrow(InvalidError);
    try {
      newerVersions('1.0.0', [], { exclude: '*' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID', details: { label: 'sentinel.exclude-tags', pattern: '*' } });
    }
  });
});

describe('newerVersions at fleet scale', () => {
  it('answers the same for 200 containers over a 300-tag repository', () => {
    const tags: string[] = [];
    for (let minor = 0; minor < 10; minor++) {
      for (let patch = 0; patch < 10; patch++) tags.push(`1.${minor}.${patch}`, `1.${minor}.${patch}-alpine`, `1.${minor}.${patch}-rc.1`);
    }
    const results = Array.from({ length: 200 }, () => newerVersions('1.8.7-alpine', tags));
    for (const result of results) {
      expect(result).toEqual(['1.9.9-alpine', '1.9.8-alpine', '1.9.7-alpine', '1.9.6-alpine', '1.9.5-alpine', '1.9.4-alpine', '1.9.3-alpine', '1.9.2-alpine', '1.9.1-alpine', '1.9.0-alpine', '1.8.9-alpine', '1.8.8-alpine']);
    }
  });
});

describe('compareTags', () => {
  it('orders compatible tags', () => {
    expect(compareTags('1.27.4', '1.27.5')).toBeLessThan(0);
    expect(compareTags('1.28.0', '1.27.5')).toBeGreaterThan(0);
    expect(compareTags('1.2.3', '1.2.03')).toBe(0);
    expect(compareTags('v1.2.3-ls45', 'v1.2.3-ls46')).toBeLessThan(0);
    expect(compareTags('3.13.0rc1', '3.13.0')).toBeLessThan(0);
    expect(compareTags('3.13.0b2', '3.13.0rc1')).toBeLessThan(0);
    expect(compareTags('1.0.0-rc.2', '1.0.0-rc.10')).toBeLessThan(0);
    expect(compareTags('20240212', '20240101')).toBeGreaterThan(0);
  });

  it('sorts a mixed tag list into a stable, sensible order', () => {
    const sorted = ['1.10.0', 'latest', '1.9.2', '1.27.4', 'alpine', '1.9.2-alpine', '1.27.4-rc.1'].sort(compareTags);
    expect(sorted).toEqual(['alpine', 'latest', '1.9.2', '1.9.2-alpine', '1.10.0', '1.27.4-rc.1', '1.27.4']);
  });

  it('never calls different families equal', () => {
    expect(compareTags('1.2.3', '1.2.3-alpine')).not.toBe(0);
    expect(compareTags('1.2.3', 'v1.2.3')).not.toBe(0);
    expect(compareTags('1.2.3-alpine', '1.2.3')).toBe(-compareTags('1.2.3', '1.2.3-alpine'));
  });
});

describe('resolveVersionForDigest', () => {
  it('names the most specific version of latest', () => {
    expect(resolveVersionForDigest(['latest', '1', '1.27', '1.27.5', 'mainline'])).toBe('1.27.5');
    expect(resolveVersionForDigest(['latest', 'stable', '2026.4', '2026.4.1'])).toBe('2026.4.1');
    expect(resolveVersionForDigest(['latest', 'noble', 'noble-20240423', '24.04'])).toBe('24.04');
  });

  it('prefers the plain spelling when tags tie', () => {
    expect(resolveVersionForDigest(['latest', '1.27.5-bookworm', '1.27.5', '1.27'])).toBe('1.27.5');
    expect(resolveVersionForDigest(['v3.0.1', '3.0.1', 'latest'])).toBe('3.0.1');
  });

  it('picks the highest when one image carries two versions', () => {
    expect(resolveVersionForDigest(['1.2.3', '1.2.4', 'latest'])).toBe('1.2.4');
  });

  it('returns undefined when no tag is a version', () => {
    expect(resolveVersionForDigest(['latest', 'stable', 'sha-3f2a9c1'])).toBeUndefined();
    expect(resolveVersionForDigest([])).toBeUndefined();
  });
});
