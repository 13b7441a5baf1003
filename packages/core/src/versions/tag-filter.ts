import { InvalidError } from '../errors/index.js';

/** A user-supplied tag filter: a regular expression source (as in a label) or a `RegExp`. */
export type TagPattern = string | RegExp;

/** Which filter a pattern came from, to name the label in error messages. */
export type TagFilterKind = 'include' | 'exclude';

// Every container of a repository usually carries the same label value, so a
// scan of 200 containers compiles each distinct pattern once, not 200 times.
const COMPILED_LIMIT = 256;
const compiled = new Map<string, RegExp>();

/**
 * Compile an include/exclude filter. An unset, empty or blank pattern means
 * "no filter" (an empty exclude pattern would otherwise exclude every tag).
 * A `RegExp` with the `g` or `y` flag is copied without it, because those
 * flags make `test()` stateful and would skip every other matching tag.
 *
 * @throws InvalidError when the pattern is not a valid regular expression.
 */
export function compileTagFilter(pattern: TagPattern | undefined, kind: TagFilterKind): RegExp | undefined {
  if (pattern === undefined) return undefined;
  if (pattern instanceof RegExp) {
    return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
  }
  if (pattern.trim() === '') return undefined;
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidError(`invalid sentinel.${kind}-tags pattern ${JSON.stringify(pattern)}: ${reason}`, {
      cause: error,
      details: { label: `sentinel.${kind}-tags`, pattern },
    });
  }
  if (compiled.size >= COMPILED_LIMIT) {
    const oldest = compiled.keys().next();
    if (oldest.done !== true) compiled.delete(oldest.value);
  }
  compiled.set(pattern, regex);
  return regex;
}
