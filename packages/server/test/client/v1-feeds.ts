import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real public records (see packages/core/src/inventory/fixtures/README.md). */
const FIXTURES = new URL('../../../core/src/inventory/fixtures/', import.meta.url);
export const NVD_FIXTURE: unknown = JSON.parse(readFileSync(fileURLToPath(new URL('nvd-cves.json', FIXTURES)), 'utf8'));
export const KEV_FIXTURE: unknown = JSON.parse(readFileSync(fileURLToPath(new URL('kev-catalog.json', FIXTURES)), 'utf8'));

/**
 * CVE-2024-41110 (Docker Engine AuthZ plugin bypass) as an NVD CVE API 2.0
 * response, written from the public GitHub advisory GHSA-v23v-6jw2-98fq
 * (affected: ≤ 19.03.15, ≤ 20.10.27, ≤ 23.0.14, ≤ 24.0.9, ≤ 25.0.5,
 * ≤ 26.1.4, ≤ 27.1.0) and NVD's CVSS 3.1 score (9.9, critical); abridged,
 * `lastModified` illustrative.
 */
export const DOCKER_ENGINE_CVE = {
  resultsPerPage: 1,
  startIndex: 0,
  totalResults: 1,
  format: 'NVD_CVE',
  version: '2.0',
  timestamp: '2024-08-01T00:00:00.000',
  vulnerabilities: [
    {
      cve: {
        id: 'CVE-2024-41110',
        sourceIdentifier: 'security-advisories@github.com',
        published: '2024-07-24T17:15:11.053',
        lastModified: '2024-08-01T00:00:00.000',
        vulnStatus: 'Analyzed',
        descriptions: [{ lang: 'en', value: 'Moby is an open-source project created by Docker for software containerization. A security vulnerability has been detected in certain versions of Docker Engine, which could allow an attacker to bypass authorization plugins (AuthZ) under specific circumstances.' }],
        metrics: {
          cvssMetricV31: [
            {
              source: 'nvd@nist.gov',
              type: 'Primary',
              cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', baseScore: 9.9, baseSeverity: 'CRITICAL' },
              exploitabilityScore: 3.1,
              impactScore: 6.0,
            },
          ],
        },
        weaknesses: [{ source: 'nvd@nist.gov', type: 'Primary', description: [{ lang: 'en', value: 'CWE-863' }] }],
        configurations: [
          {
            operator: 'OR',
            negate: false,
            nodes: [
              {
                operator: 'OR',
                negate: false,
                cpeMatch: [
                  ['19.03.0', '19.03.15'],
                  ['20.10.0', '20.10.27'],
                  ['23.0.0', '23.0.14'],
                  ['24.0.0', '24.0.9'],
                  ['25.0.0', '25.0.5'],
                  ['26.0.0', '26.1.4'],
                  ['27.0.0', '27.1.0'],
                ].map(([start, end]) => ({ vulnerable: true, criteria: 'cpe:2.3:a:mobyproject:moby:*:*:*:*:*:*:*:*', versionStartIncluding: start, versionEndIncluding: end })),
              },
            ],
          },
        ],
        references: [{ url: 'https://github.com/moby/moby/security/advisories/GHSA-v23v-6jw2-98fq', source: 'security-advisories@github.com' }],
      },
    },
  ],
};
