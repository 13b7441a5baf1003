import { InvalidError } from '../errors/index.js';

/**
 * Scan filters: glob patterns over container names, applied in order like a
 * `.gitignore`. A plain pattern excludes the names it matches; a pattern
 * starting with `!` includes them again. The last matching pattern wins; a name
 * no pattern matches is scanned. `*` matches any run of characters, `?` one.
 *
 * @example
 * const excluded = compileScanFilters(['test-*', '!test-keep']);
 * excluded('test-a'); // true
 * excluded('test-keep'); // false
 */
export function compileScanFilters(patterns: readonly string[]): (name: string) => boolean {
  const rules = patterns.map((p) => {
    const negated = p.startsWith('!');
    return { negated, re: globToRegExp(negated ? p.slice(1) : p) };
  });
  return (name) => {
    let excluded = false;
    for (const rule of rules) if (rule.re.test(name)) excluded = !rule.negated;
    return excluded;
  };
}

const PATTERN = /^!?[A-Za-z0-9_.*?-]{1,255}$/;

/** Validate scan filter patterns (container-name characters plus `*`, `?` and a leading `!`). */
export function validateScanFilters(patterns: readonly string[]): string[] {
  if (patterns.length > 100) throw new InvalidError('at most 100 filter patterns');
  return patterns.map((raw) => {
    const p = raw.trim();
    if (!PATTERN.test(p) || p === '!') {
      throw new InvalidError(`invalid filter pattern "${raw}": use container-name characters with * and ?, and a leading ! to include again`);
    }
    return p;
  });
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
