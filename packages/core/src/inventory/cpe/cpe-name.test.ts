import { describe, expect, it } from 'vitest';
import { ANY, NA, createWfn, formatCpe, formatWfn, parseCpe, quoteCpeValue, unquoteCpeValue } from './cpe-name.js';

// Vectors from NISTIR 7695 (CPE Naming 2.3): §6.2.2 binding to formatted strings,
// §6.2.3 unbinding them, §6.1.3 unbinding URIs. WFN literals are written as in the spec.
describe('formatCpe (NISTIR 7695 §6.2.2 bind_to_fs)', () => {
  it.each([
    [
      'wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\\.0\\.6001",update="beta",edition=ANY]',
      'cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*',
    ],
    [
      'wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\\.*",update="sp?",edition=ANY]',
      'cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*',
    ],
    [
      'wfn:[part="a",vendor="hp",product="insight",version="7\\.4\\.0\\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]',
      'cpe:2.3:a:hp:insight:7.4.0.1570:-:*:*:online:win2003:x64:*',
    ],
    [
      'wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\\.51",target_sw="linux"]',
      'cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*',
    ],
    [
      'wfn:[part="a",vendor="foo\\\\bar",product="big\\$money_2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]',
      'cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*',
    ],
  ])('%s binds to %s', (wfn, formatted) => {
    expect(formatCpe(parseCpe(wfn))).toBe(formatted);
  });
});

describe('parseCpe of formatted strings (NISTIR 7695 §6.2.3 unbind_fs)', () => {
  it('Example 1: quotes the dots of the version', () => {
    expect(parseCpe('cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*')).toEqual(
      createWfn({ part: 'a', vendor: 'microsoft', product: 'internet_explorer', version: '8\\.0\\.6001', update: 'beta' }),
    );
  });

  it('Example 2: keeps unquoted wildcards at the ends', () => {
    const wfn = parseCpe('cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*');
    expect(wfn.version).toBe('8\\.*');
    expect(wfn.update).toBe('sp?');
    expect(wfn.edition).toBe(ANY);
  });

  it('Example 3: "-" is NA and the extended attributes land in place', () => {
    expect(parseCpe('cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*')).toEqual(
      createWfn({
        part: 'a',
        vendor: 'hp',
        product: 'insight_diagnostics',
        version: '7\\.4\\.0\\.1570',
        update: NA,
        sw_edition: 'online',
        target_sw: 'win2003',
        target_hw: 'x64',
      }),
    );
  });

  it('Example 4 and 5: quoted characters stay quoted', () => {
    expect(parseCpe('cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*').target_sw).toBe('linux');
    const wfn = parseCpe('cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*');
    expect(wfn.vendor).toBe('foo\\\\bar');
    expect(wfn.product).toBe('big\\$money_manager_2010');
    expect(unquoteCpeValue(wfn.product as string)).toBe('big$money_manager_2010');
  });

  it('rejects an unquoted asterisk embedded in a value', () => {
    expect(() => parseCpe('cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*')).toThrow(/Unquoted "\*"/);
  });

  it('rejects embedded question marks but accepts leading and trailing runs', () => {
    expect(() => parseCpe('cpe:2.3:a:x:y:1?2:*:*:*:*:*:*:*')).toThrow(/Unquoted "\?"/);
    expect(parseCpe('cpe:2.3:a:x:y:??2:*:*:*:*:*:*:*').version).toBe('??2');
    expect(parseCpe('cpe:2.3:a:x:y:2??:*:*:*:*:*:*:*').version).toBe('2??');
  });

  it('keeps escaped colons inside a value and splits on the others', () => {
    const wfn = parseCpe('cpe:2.3:a:sdbus-c\\+\\+_project:sdbus-c\\+\\+:2.2.1:*:*:*:*:*:*:*');
    expect(unquoteCpeValue(wfn.product as string)).toBe('sdbus-c++');
    expect(unquoteCpeValue(parseCpe('cpe:2.3:a:x:a\\:b:1:*:*:*:*:*:*:*').product as string)).toBe('a:b');
  });

  it('accepts a shortened formatted string and fills ANY', () => {
    expect(parseCpe('cpe:2.3:a:nginx:nginx:1.24.0')).toEqual(createWfn({ part: 'a', vendor: 'nginx', product: 'nginx', version: '1\\.24\\.0' }));
  });

  it('refuses what is not a CPE', () => {
    expect(() => parseCpe('nginx 1.24')).toThrow(/Not a CPE name/);
    expect(() => parseCpe('cpe:2.3:x:vendor:product:1:*:*:*:*:*:*:*')).toThrow(/part/);
    expect(() => parseCpe('cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:*')).toThrow(/at most 13/);
  });

  it('round-trips through binding', () => {
    for (const fs of [
      'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*',
      'cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*',
      'cpe:2.3:a:lodash:lodash:*:*:*:*:*:node.js:*:*',
      'cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*',
    ]) {
      expect(formatCpe(parseCpe(fs))).toBe(fs);
    }
  });
});

describe('parseCpe of URIs (NISTIR 7695 §6.1.3 unbind_uri)', () => {
  it('Example 1', () => {
    expect(parseCpe('cpe:/a:microsoft:internet_explorer:8.0.6001:beta')).toEqual(
      createWfn({ part: 'a', vendor: 'microsoft', product: 'internet_explorer', version: '8\\.0\\.6001', update: 'beta' }),
    );
  });

  it('Example 2: percent-encoded specials become quoted characters', () => {
    const wfn = parseCpe('cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f');
    expect(wfn.version).toBe('8\\.\\*');
    expect(wfn.update).toBe('sp\\?');
  });

  it('Example 3: %02 and %01 become wildcards', () => {
    const wfn = parseCpe('cpe:/a:microsoft:internet_explorer:8.%02:sp%01');
    expect(wfn.version).toBe('8\\.*');
    expect(wfn.update).toBe('sp?');
  });

  it('Example 4: a packed edition unpacks into the extended attributes', () => {
    expect(parseCpe('cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~')).toEqual(
      createWfn({
        part: 'a',
        vendor: 'hp',
        product: 'insight_diagnostics',
        version: '7\\.4\\.0\\.1570',
        sw_edition: 'online',
        target_sw: 'win2003',
        target_hw: 'x64',
      }),
    );
  });

  it('Example 5: "-" is NA', () => {
    const wfn = parseCpe('cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~');
    expect(wfn.update).toBe(NA);
    expect(wfn.target_sw).toBe('linux');
    expect(wfn.edition).toBe(ANY);
  });

  it('Example 6: an illegal percent-encoding is an error', () => {
    expect(() => parseCpe('cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~')).toThrow(/percent-encoding/);
  });

  it('Example 7: a tilde outside a packed edition is quoted', () => {
    const wfn = parseCpe('cpe:/a:foo~bar:big%7emoney_2010');
    expect(wfn.vendor).toBe('foo\\~bar');
    expect(wfn.product).toBe('big\\~money_2010');
  });

  it('Example 8: an embedded %02 is an error', () => {
    expect(() => parseCpe('cpe:/a:foo:bar:12.%02.1234')).toThrow(/%02/);
  });
});

describe('WFN helpers', () => {
  it('quotes every non-word character', () => {
    expect(quoteCpeValue('3.0.11-1~deb12u2')).toBe('3\\.0\\.11\\-1\\~deb12u2');
    expect(quoteCpeValue('a*b?')).toBe('a\\*b\\?');
  });

  it('prints the WFN notation of §5.4', () => {
    expect(formatWfn(parseCpe('cpe:2.3:a:hp:insight:7.4:-:*:*:*:*:*:*'))).toBe(
      'wfn:[part="a",vendor="hp",product="insight",version="7\\.4",update=NA,edition=ANY,language=ANY,sw_edition=ANY,target_sw=ANY,target_hw=ANY,other=ANY]',
    );
  });
});
