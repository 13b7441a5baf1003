import { InvalidError } from '../../errors/index.js';

/** What `streamJsonArray` yields: an element of the array, or a scalar field of the enclosing object. */
export type JsonStreamEvent = { kind: 'item'; value: unknown } | { kind: 'field'; key: string; value: unknown };

/** Text chunks of one JSON document: a Node stream, a web `ReadableStream`, or any async iterable. */
export type JsonTextStream = AsyncIterable<string | Uint8Array>;

/** Longest element (in UTF-16 units of JSON text) `streamJsonArray` holds by default: far above NVD's largest record. */
export const DEFAULT_MAX_JSON_VALUE_CHARS = 16 * 1024 * 1024;

export interface JsonStreamOptions {
  /**
   * Longest element or field value, in characters of JSON text. A longer one
   * is refused with an `InvalidError` as soon as it is that long, rather than
   * buffered until it ends. @default 16 Mi characters
   */
  maxValueChars?: number;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * Read a large JSON document in chunks and yield, one at a time, the elements
 * of one array: the top-level document when `key` is undefined, or the array
 * under `key` of the top-level object (`vulnerabilities` of an NVD feed).
 * Scalar fields of the top-level object (`totalResults`…) are yielded as
 * `field` events as they pass. Only one element is held in memory at a time,
 * so a multi-hundred-megabyte feed never becomes one string; an element
 * longer than `maxValueChars` is refused, not buffered without bound.
 *
 * @throws InvalidError when the text is not JSON of that shape, or an element is too long.
 */
export async function* streamJsonArray(chunks: JsonTextStream, key?: string, options: JsonStreamOptions = {}): AsyncGenerator<JsonStreamEvent> {
  const maxValueChars = options.maxValueChars ?? DEFAULT_MAX_JSON_VALUE_CHARS;
  const decoder = new TextDecoder();
  let buffer = '';
  let position = 0;
  // Where the text of the value being captured starts in `buffer` (-1: not capturing).
  let captureStart = -1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let lastKey: string | undefined;
  let expectingKey = false;
  let inTarget = key === undefined ? 'pending' : 'no';
  const targetDepth = key === undefined ? 1 : 2;
  let scalarKey: string | undefined;
  let sawRoot = false;

  const fail = (message: string): never => {
    throw new InvalidError(`Malformed JSON feed: ${message}`);
  };

  const finishCapture = function* (end: number): Generator<JsonStreamEvent> {
    const text = buffer.slice(captureStart, end).trim();
    captureStart = -1;
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InvalidError(`Malformed JSON feed: ${(error as Error).message}`);
    }
    if (scalarKey !== undefined) {
      const fieldKey = scalarKey;
      scalarKey = undefined;
      yield { kind: 'field', key: fieldKey, value };
    } else {
      yield { kind: 'item', value };
    }
  };

  const objectMode = key !== undefined;

  const process = function* (): Generator<JsonStreamEvent> {
    for (; position < buffer.length; position++) {
      const ch = buffer[position] as string;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') {
          inString = false;
          if (objectMode && depth === 1 && expectingKey) lastKey = JSON.parse(buffer.slice(stringStart, position + 1)) as string;
        }
        continue;
      }
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;

      if (!sawRoot) {
        sawRoot = true;
        if (!objectMode) {
          if (ch !== '[') fail('expected a top-level array');
          inTarget = 'yes';
        } else if (ch !== '{') {
          fail('expected a top-level object');
        }
      }

      // A value being captured at its own level ends at the next separator.
      if (captureStart !== -1 && (ch === ',' || ch === '}' || ch === ']')) {
        if ((scalarKey !== undefined && depth === 1) || (scalarKey === undefined && inTarget === 'yes' && depth === targetDepth)) {
          yield* finishCapture(position);
        }
      }

      if (ch === '"') {
        inString = true;
        stringStart = position;
        if (captureStart === -1) {
          if (inTarget === 'yes' && depth === targetDepth) captureStart = position;
          else if (objectMode && depth === 1 && !expectingKey && lastKey !== undefined) {
            scalarKey = lastKey;
            captureStart = position;
          }
        }
        continue;
      }

      if (ch === '{' || ch === '[') {
        if (inTarget === 'yes' && depth === targetDepth && captureStart === -1) captureStart = position;
        if (objectMode && depth === 1 && !expectingKey && ch === '[' && lastKey === key && inTarget === 'no') inTarget = 'yes';
        depth++;
        if (objectMode && depth === 1) expectingKey = true;
        continue;
      }
      if (ch === '}' || ch === ']') {
        depth--;
        if (depth < 0) fail('unbalanced brackets');
        if (inTarget === 'yes' && depth === targetDepth && captureStart !== -1) yield* finishCapture(position + 1);
        else if (inTarget === 'yes' && depth === targetDepth - 1) inTarget = 'done';
        continue;
      }
      if (objectMode && depth === 1) {
        if (ch === ',') expectingKey = true;
        else if (ch === ':') expectingKey = false;
        else if (!expectingKey && captureStart === -1 && lastKey !== undefined) {
          // A number, true, false or null as the value of a top-level field.
          scalarKey = lastKey;
          captureStart = position;
        }
        continue;
      }
      if (inTarget === 'yes' && depth === targetDepth && captureStart === -1 && ch !== ',') captureStart = position;
    }
  };

  const compact = (): void => {
    // Drop what was consumed, keeping the value being captured (and the string being read).
    let keepFrom = position;
    if (captureStart !== -1) keepFrom = Math.min(keepFrom, captureStart);
    if (inString) keepFrom = Math.min(keepFrom, stringStart);
    if (keepFrom === 0) return;
    buffer = buffer.slice(keepFrom);
    position -= keepFrom;
    if (captureStart !== -1) captureStart -= keepFrom;
    if (stringStart !== -1) stringStart -= keepFrom;
  };

  const checkHeld = (): void => {
    // What compact() must keep: the value being captured, or a string being read outside one.
    const from = Math.min(captureStart === -1 ? buffer.length : captureStart, inString ? stringStart : buffer.length);
    if (buffer.length - from > maxValueChars) {
      throw new InvalidError(`JSON feed element too large: more than ${maxValueChars} characters in one ${key === undefined ? 'element' : `"${key}" element or field`}; refused`);
    }
  };

  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* process();
    compact();
    checkHeld();
  }
  buffer += decoder.decode();
  yield* process();
  if (!sawRoot) fail('empty input');
  if (depth !== 0 || inString) fail('unexpected end of input');
  if (key !== undefined && inTarget === 'no') fail(`no "${key}" array`);
}
