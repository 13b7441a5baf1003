/** Narrowing helpers for feed JSON, which is untrusted input of unknown shape. */

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-empty trimmed string, or undefined. */
export function asString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Strings of an array, trimmed, empty ones and duplicates dropped, order kept. */
export function asStrings(value: unknown): string[] {
  const out: string[] = [];
  for (const item of asArray(value)) {
    const text = asString(item);
    if (text !== undefined && !out.includes(text)) out.push(text);
  }
  return out;
}
