import { describe, expect, it } from 'vitest';
import { parseAgentArgs, parseDuration } from './args.js';

describe('parseAgentArgs', () => {
  it('reads flags, falling back to the environment, with documented defaults', () => {
    const parsed = parseAgentArgs(['--once', '--key', 'sk_agent_flag'], { SENTINEL_URL: 'http://sentinel:8080/', SENTINEL_AGENT_KEY: 'sk_agent_env', HOME: '/home/x', XDG_STATE_HOME: '/state' });
    expect(parsed).toEqual({
      help: false,
      options: {
        server: 'http://sentinel:8080',
        key: 'sk_agent_flag',
        enrollToken: undefined,
        statePath: '/state/sentinel-agent/state.json',
        once: true,
        intervalMs: 6 * 3_600_000,
        forceFull: false,
        fullEveryMs: 24 * 3_600_000,
        hostname: undefined,
        dryRun: false,
        timeoutMs: 60_000,
      },
    });
    const interval = parseAgentArgs(['--server', 'https://s', '--interval', '30m', '--state', '/tmp/s.json', '--enroll', 'enr_1'], {});
    expect(interval).toMatchObject({ options: { intervalMs: 1_800_000, once: false, statePath: '/tmp/s.json', enrollToken: 'enr_1' } });
  });

  it('refuses what cannot work, with a reason', () => {
    expect(() => parseAgentArgs(['--once'], {})).toThrow(/no server/);
    expect(() => parseAgentArgs(['--server', 'sentinel:8080'], {})).toThrow(/http\(s\) URL/);
    expect(() => parseAgentArgs(['--server', 'http://s', '--interval', '10s'], {})).toThrow(/at least 1m/);
    expect(() => parseAgentArgs(['--server', 'http://s', '--interval', 'often'], {})).toThrow(/duration/);
    expect(() => parseAgentArgs(['--bogus'], {})).toThrow();
    expect(parseAgentArgs(['--dry-run'], {})).toMatchObject({ options: { dryRun: true, server: undefined } });
    expect(parseAgentArgs(['-h'], {})).toEqual({ help: true });
  });

  it('parses durations', () => {
    expect(parseDuration('90', 'x')).toBe(90_000);
    expect(parseDuration('1.5h', 'x')).toBe(5_400_000);
    expect(parseDuration('1d', 'x')).toBe(86_400_000);
  });
});
