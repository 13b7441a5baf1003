import { InvalidError } from '../errors/index.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parse a Go-style duration (`6h`, `4h0m0s`, `1h30m`, `90s`, `500ms`) into
 * milliseconds. Throws `InvalidError` on anything else: a bare number is refused
 * because its unit would be a guess.
 *
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    matched = re.lastIndex;
  }
  if (text.length === 0 || matched !== text.length) {
    throw new InvalidError(`invalid duration "${input}": use a Go-style duration such as 30s, 5m, 6h or 1h30m`);
  }
  return total;
}

/**
 * Format milliseconds the way Go's `time.Duration.String()` does:
 * `4h0m0s`, `1m30s`, `1.5s`, `500ms`, `0s`.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const negative = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${trimNumber(rest)}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = `${trimNumber(rest / 1000)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return negative ? `-${out}` : out;
}

function trimNumber(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** Milliseconds to the nanosecond integers the seed's `duration` fields carry. */
export function msToNanoseconds(ms: number): number {
  return Math.round(ms * 1e6);
}

/**
 * A Go duration string without its zero tail, as people write it and as the
 * settings listing shows configured values: `6h0m0s` → `6h`, `1h30m0s` →
 * `1h30m`, `2m0s` → `2m`. Anything else is returned unchanged.
 */
export function compactGoDuration(text: string): string {
  if (!/^\d+h\d+m[\d.]+s$|^\d+m[\d.]+s$/.test(text)) return text;
  const compact = text.replace(/(?<=[hm])0m(?=0s$)/, '').replace(/(?<=[hm])0s$/, '');
  return compact === '' ? text : compact;
}
