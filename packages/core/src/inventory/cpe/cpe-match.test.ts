import { describe, expect, it } from 'vitest';
import { compareCpe, compareCpeValues, cpeMatches } from './cpe-match.js';
import { ANY, NA } from './cpe-name.js';

describe('compareCpeValues (NISTIR 7696 Table 6-2)', () => {
  // i, k: wildcard-free strings; m: a string with wildcards (in WFN form).
  it.each([
    ['1', ANY, ANY, 'EQUAL'],
    ['2', ANY, NA, 'SUPERSET'],
    ['3', ANY, 'foo', 'SUPERSET'],
    ['4', ANY, 'fo*', 'UNDEFINED'],
    ['5', NA, ANY, 'SUBSET'],
    ['6', NA, NA, 'EQUAL'],
    ['7', NA, 'foo', 'DISJOINT'],
    ['8', NA, 'fo?', 'UNDEFINED'],
    ['9', 'foo', ANY, 'SUBSET'],
    ['10', 'foo', NA, 'DISJOINT'],
    ['11', 'foo', 'foo', 'EQUAL'],
    ['12', 'foo', 'bar', 'DISJOINT'],
    ['13', 'foo', 'f*', 'UNDEFINED'],
    ['14', 'fo*', ANY, 'SUBSET'],
    ['15', 'fo*', NA, 'DISJOINT'],
    ['16', 'fo*', 'foobar', 'SUPERSET'],
    ['17', 'fo*', 'bar', 'DISJOINT'],
  ] as const)('row %s: %o vs %o is %s', (_row, source, target, relation) => {
    expect(compareCpeValues(source, target)).toBe(relation);
  });

  it('is case-insensitive', () => {
    expect(compareCpeValues('Microsoft', 'microsoft')).toBe('EQUAL');
    expect(compareCpeValues('INTERNET_EXPLORER', 'internet_explorer')).toBe('EQUAL');
  });

  it('gives leading and trailing wildcards their meaning', () => {
    expect(compareCpeValues('8\\.*', '8\\.0\\.6001')).toBe('SUPERSET');
    expect(compareCpeValues('8\\.*', '9\\.0')).toBe('DISJOINT');
    expect(compareCpeValues('*\\.0', '8\\.0')).toBe('SUPERSET');
    expect(compareCpeValues('sp?', 'sp1')).toBe('SUPERSET');
    expect(compareCpeValues('sp?', 'sp')).toBe('SUPERSET');
    expect(compareCpeValues('sp?', 'sp12')).toBe('DISJOINT');
    expect(compareCpeValues('??2', 'x2')).toBe('SUPERSET');
    expect(compareCpeValues('??2', 'xyz2')).toBe('DISJOINT');
    // A quoted wildcard is an ordinary character.
    expect(compareCpeValues('8\\*', '8\\*')).toBe('EQUAL');
    expect(compareCpeValues('8\\*', '81')).toBe('DISJOINT');
  });
});

describe('compareCpe (NISTIR 7696 §6.2 name comparison)', () => {
  it('finds the advisory criteria a superset of an installed version', () => {
    const result = compareCpe('cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*');
    expect(result.relation).toBe('SUPERSET');
    expect(result.attributes.version).toBe('SUPERSET');
    expect(result.attributes.vendor).toBe('EQUAL');
  });

  it('is EQUAL, SUBSET or DISJOINT as the attributes say', () => {
    expect(compareCpe('cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*', 'cpe:2.3:a:OpenSSL:openssl:1.0.1f:*:*:*:*:*:*:*').relation).toBe('EQUAL');
    expect(compareCpe('cpe:2.3:a:quarkus:quarkus:1.1.4:*:*:*:*:*:*:*', 'cpe:2.3:a:quarkus:quarkus:*:*:*:*:*:*:*:*').relation).toBe('SUBSET');
    expect(compareCpe('cpe:2.3:a:quarkus:quarkus:*:*:*:*:*:*:*:*', 'cpe:2.3:a:quarkus:quarkus-security:1.1.4:*:*:*:*:*:*:*').relation).toBe('DISJOINT');
    // Part a against part o is disjoint.
    expect(compareCpe('cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*', 'cpe:2.3:a:linux:linux_kernel:6.1:*:*:*:*:*:*:*').relation).toBe('DISJOINT');
    // A wildcard in the target leaves the relation undefined.
    expect(compareCpe('cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*', 'cpe:2.3:a:x:y:1.*:*:*:*:*:*:*:*').relation).toBe('UNDEFINED');
    // SUPERSET on one attribute and SUBSET on another: neither contains the other.
    expect(compareCpe('cpe:2.3:a:x:y:*:beta:*:*:*:*:*:*', 'cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*').relation).toBe('UNDEFINED');
  });
});

describe('cpeMatches', () => {
  it('matches criteria to installed products', () => {
    expect(cpeMatches('cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*')).toBe(true);
    expect(cpeMatches('cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*', 'cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*')).toBe(true);
    expect(cpeMatches('cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*')).toBe(false);
  });

  it('refuses criteria whose vendor and product are both wildcards', () => {
    expect(compareCpe('cpe:2.3:a:*:*:*:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*').relation).toBe('SUPERSET');
    expect(cpeMatches('cpe:2.3:a:*:*:*:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*')).toBe(false);
    expect(cpeMatches('cpe:2.3:a:*:log4j:*:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*')).toBe(true);
  });

  it('never matches an application against operating-system criteria, or the reverse', () => {
    expect(cpeMatches('cpe:2.3:o:openbsd:openssh:*:*:*:*:*:*:*:*', 'cpe:2.3:a:openbsd:openssh:9.0:*:*:*:*:*:*:*')).toBe(false);
    expect(cpeMatches('cpe:2.3:a:cisco:ios:*:*:*:*:*:*:*:*', 'cpe:2.3:o:cisco:ios:17.6.5:*:*:*:*:*:*:*')).toBe(false);
  });
});
