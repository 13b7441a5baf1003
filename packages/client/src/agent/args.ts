import { parseArgs } from 'node:util';
import { defaultStatePath } from './state.js';

export const AGENT_HELP = `Usage: sentinel-agent [options]

Reports this host's installed packages (dpkg, rpm or apk), OS and hostname to a
Sentinel Kit server: a full report the first time, then only what changed.

Options (each also read from the environment variable shown; flags win):
  --server <url>        SENTINEL_URL          the server, e.g. http://sentinel.example:8080 (required)
  --key <sk_agent_…>    SENTINEL_AGENT_KEY    agent key (POST /api/agent-keys); not needed after --enroll
  --enroll <token>      SENTINEL_ENROLL_TOKEN enroll with an enrollment token (POST /api/v1/agents/enroll)
                                              and keep the agent key in the state file
  --state <file>        SENTINEL_AGENT_STATE  state file (default ~/.local/state/sentinel-agent/state.json)
  --once                                      report once and exit (default: every --interval)
  --interval <dur>      SENTINEL_AGENT_INTERVAL  time between reports, e.g. 30m, 6h (default 6h, at least 1m)
  --full                                      send a full report even if a delta would do
  --full-every <dur>                          send a full report at least this often (default 24h)
  --hostname <name>                           report under this name (default: the system hostname)
  --dry-run                                   print the report that would be sent, send nothing
  --timeout <dur>                             time allowed for the server to answer (default 60s)
  -h, --help                                  show this help
`;

export interface AgentOptions {
  server: string | undefined;
  key: string | undefined;
  enrollToken: string | undefined;
  statePath: string;
  once: boolean;
  intervalMs: number;
  forceFull: boolean;
  fullEveryMs: number;
  hostname: string | undefined;
  dryRun: boolean;
  timeoutMs: number;
}

export type ParsedArgs = { help: true } | { help: false; options: AgentOptions };

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `6h`, `1d` (or a bare number of seconds) in milliseconds. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) throw new Error(`${what} must be a duration such as 30s, 15m or 6h, got "${text}"`);
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 's'] as number));
}

/** Read the options from flags and the environment. @throws Error with a message for the user. */
export function parseAgentArgs(argv: readonly string[], env: Record<string, string | undefined>): ParsedArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      key: { type: 'string' },
      enroll: { type: 'string' },
      state: { type: 'string' },
      once: { type: 'boolean' },
      interval: { type: 'string' },
      full: { type: 'boolean' },
      'full-every': { type: 'string' },
      hostname: { type: 'string' },
      'dry-run': { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return { help: true };
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0] ?? ''}"`);
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const value = flag ?? env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const intervalMs = parseDuration(pick(values.interval, 'SENTINEL_AGENT_INTERVAL') ?? '6h', '--interval');
  if (intervalMs < 60_000) throw new Error('--interval must be at least 1m');
  const server = pick(values.server, 'SENTINEL_URL');
  if (server !== undefined && !/^https?:\/\/[^/]/i.test(server)) throw new Error(`--server must be an http(s) URL, got "${server}"`);
  const dryRun = values['dry-run'] === true;
  if (server === undefined && !dryRun) throw new Error('no server: pass --server <url> or set SENTINEL_URL');
  return {
    help: false,
    options: {
      server: server?.replace(/\/+$/, ''),
      key: pick(values.key, 'SENTINEL_AGENT_KEY'),
      enrollToken: pick(values.enroll, 'SENTINEL_ENROLL_TOKEN'),
      statePath: pick(values.state, 'SENTINEL_AGENT_STATE') ?? defaultStatePath(env),
      once: values.once === true,
      intervalMs,
      forceFull: values.full === true,
      fullEveryMs: parseDuration(values['full-every'] ?? '24h', '--full-every'),
      hostname: pick(values.hostname, 'SENTINEL_AGENT_HOSTNAME'),
      dryRun,
      timeoutMs: parseDuration(values.timeout ?? '60s', '--timeout'),
    },
  };
}
