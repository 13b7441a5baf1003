import { parseArgs } from 'node:util';
import { InvalidError, parseSetting, settingsFromEnv } from '@sentinel-kit/core';
import type { SettingValues } from '@sentinel-kit/core';

/** Everything the reference server reads at start. */
export interface ServerConfig {
  /** @default 8080 */
  port: number;
  /** @default '0.0.0.0' */
  host: string;
  /** Where the lowdb file lives. @default './data' */
  dataDir: string;
  /** Docker engine address. @default `DOCKER_HOST`, else unix:///var/run/docker.sock */
  dockerHost: string;
  /** Serve Prometheus metrics at /metrics. @default false */
  metrics: boolean;
  /** Engine settings from the environment and flags (poll interval, default policy…). */
  settings: Partial<SettingValues>;
  /** @default 'info' */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Believe `X-Forwarded-Proto` / `X-Forwarded-For` from a reverse proxy. @default false */
  trustProxy?: boolean;
}

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export const CLI_HELP = `Usage: sentinel-server [options]
       sentinel-server import --source <nvd|osv|kev> <FILE|URL|->   import a vulnerability feed (import --help)

Options (each also read from the environment variable shown; flags win):
  --port <n>               PORT                     HTTP port (default 8080)
  --host <addr>            HOST                     Listen address (default 0.0.0.0)
  --data-dir <dir>         SENTINEL_DATA_DIR        Data directory for the lowdb file (default ./data)
  --docker-host <url>      DOCKER_HOST              Docker engine (default unix:///var/run/docker.sock)
  --poll-interval <dur>    SENTINEL_POLL_INTERVAL   Time between scans, 5m..24h (default 6h)
  --default-policy <p>     SENTINEL_DEFAULT_POLICY  auto | manual | pinned (default manual)
  --version-scope <s>      SENTINEL_VERSION_SCOPE   patch | minor | major: what auto updates may apply (default major)
  --grace-period <dur>     SENTINEL_GRACE_PERIOD    Health-gate grace period, 0..10m (default 30s)
  --metrics                SENTINEL_METRICS=true    Serve Prometheus metrics at /metrics
  --trust-proxy            SENTINEL_TRUST_PROXY=true Believe X-Forwarded-Proto/-For from a reverse proxy (Secure cookies, client IPs)
  --log-level <l>          SENTINEL_LOG_LEVEL       debug | info | warn | error (default info)
  (env only)               SENTINEL_API_RATE_LIMIT_IP / _USER      /api/v1 rate limits (default 100 per IP per minute / 1000 per user per hour)
  (env only)               SENTINEL_API_TOKEN_TTL                  lifetime of /api/v1 JWTs in seconds (default 86400)
  (env only)               SENTINEL_AGENT_OFFLINE_MINUTES          silence after which a system is offline (default 15)
  -h, --help                                        Show this help
  -v, --version                                     Show the version
`;

const FLAG_TO_SETTING: Record<string, keyof SettingValues> = {
  'poll-interval': 'poll_interval',
  'default-policy': 'default_policy',
  'version-scope': 'version_scope',
  'grace-period': 'grace_period',
};

function parseBool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  throw new InvalidError(`${name} must be true or false, got "${raw}"`);
}

/**
 * Read the configuration from the environment and command-line flags (flags
 * win). Throws `InvalidError` naming the variable or flag on a bad value.
 */
export function loadConfig(argv: string[], env: Record<string, string | undefined>): ServerConfig & { help: boolean; version: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'docker-host': { type: 'string' },
      'poll-interval': { type: 'string' },
      'default-policy': { type: 'string' },
      'version-scope': { type: 'string' },
      'grace-period': { type: 'string' },
      metrics: { type: 'boolean' },
      'trust-proxy': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });

  const portRaw = values.port ?? env.PORT ?? '8080';
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidError(`PORT must be a port number (0-65535), got "${portRaw}"`);

  const settings: Partial<SettingValues> = settingsFromEnv(env);
  for (const [flag, key] of Object.entries(FLAG_TO_SETTING)) {
    const raw = values[flag as keyof typeof values];
    if (typeof raw === 'string') {
      try {
        (settings as Record<string, unknown>)[key] = parseSetting(key, raw);
      } catch (error) {
        throw new InvalidError(`--${flag}: ${(error as Error).message}`);
      }
    }
  }

  const logLevel = (values['log-level'] ?? env.SENTINEL_LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new InvalidError(`SENTINEL_LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`);

  return {
    port,
    host: values.host ?? env.HOST ?? '0.0.0.0',
    dataDir: values['data-dir'] ?? env.SENTINEL_DATA_DIR ?? './data',
    dockerHost: values['docker-host'] ?? env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST,
    metrics: values.metrics ?? parseBool('SENTINEL_METRICS', env.SENTINEL_METRICS ?? 'false'),
    trustProxy: values['trust-proxy'] ?? parseBool('SENTINEL_TRUST_PROXY', env.SENTINEL_TRUST_PROXY ?? 'false'),
    settings,
    logLevel: logLevel as ServerConfig['logLevel'],
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
