import { InvalidError } from '../errors/index.js';
import type { JsonValue } from '../ports/storage.js';

/**
 * Validates that `value` is a JSON document and returns a deep copy of it.
 *
 * Storage keeps copies so that a caller mutating an object after `put` (or
 * after `get`) never changes what is stored. Anything JSON cannot represent
 * faithfully is rejected rather than silently changed: functions, symbols,
 * bigints, non-finite numbers, `undefined` (at the top or inside an array),
 * class instances such as `Date` or `Map`, and cycles. An object property
 * whose value is `undefined` is left out, exactly as `JSON.stringify` does,
 * because `{ a: undefined }` and `{}` mean the same thing to a reader.
 *
 * @param where names the value in the error message, e.g. `"value of users/alice"`.
 * @throws InvalidError naming the offending path.
 */
export function toJsonDocument(value: unknown, where: string): JsonValue {
  return copy(value, '$', new Set<object>(), where);
}

function copy(value: unknown, path: string, ancestors: Set<object>, where: string): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(where, path, `is ${String(value)}, which JSON cannot represent`);
      return value;
    case 'undefined':
      throw invalid(where, path, 'is undefined');
    case 'bigint':
      throw invalid(where, path, 'is a bigint');
    case 'function':
      throw invalid(where, path, 'is a function');
    case 'symbol':
      throw invalid(where, path, 'is a symbol');
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.has(object)) throw invalid(where, path, 'refers back to itself (a cycle)');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < object.length; i++) {
        // A hole or `undefined` in an array would become `null` in JSON; refuse instead of guessing.
        if (!(i in object)) throw invalid(where, `${path}[${i}]`, 'is a hole in a sparse array');
        out.push(copy((object as unknown[])[i], `${path}[${i}]`, ancestors, where));
      }
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (object as { constructor?: { name?: unknown } }).constructor?.name;
      throw invalid(where, path, `is a ${typeof kind === 'string' && kind !== '' ? kind : 'non-plain object'}, not a plain object`);
    }
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(object)) {
      const child = (object as Record<string, unknown>)[key];
      if (child === undefined) continue;
      setOwn(out, key, copy(child, `${path}.${key}`, ancestors, where));
    }
    return out;
  } finally {
    ancestors.delete(object);
  }
}

/**
 * Assigns an own property even for the key `__proto__`, which a plain
 * assignment would turn into a prototype change (and lose the data).
 */
export function setOwn<T>(target: { [key: string]: T }, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function invalid(where: string, path: string, problem: string): InvalidError {
  return new InvalidError(`${where} is not a JSON document: ${path} ${problem}`, { details: { path } });
}
