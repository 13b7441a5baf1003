import { InvalidError } from '../../errors/index.js';
import { isAsyncIterable, streamJsonArray } from './json-stream.js';
import type { JsonTextStream } from './json-stream.js';
import { nvdItemsOf } from './nvd-feed.js';

/** An NVD CVE API 2.0 document: JSON text, its parsed value, or a stream of its text (a yearly feed). */
export type NvdInput = string | JsonTextStream | AsyncIterable<unknown> | object;
/** OSV records: one JSON text or object, an array of them, or an (async) iterable of them (e.g. the files of an osv.dev export). */
export type OsvInput = string | object | Iterable<unknown> | AsyncIterable<unknown>;
/** CISA's KEV catalogue: `known_exploited_vulnerabilities.json` as text or parsed. */
export type KevInput = string | object;

/** Where a reader reports how many records the input says it holds. */
export interface RunTotal {
  total: number | undefined;
}

/** JSON.parse with the failure as an `InvalidError` naming the input. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The raw records of an NVD input, one at a time; sets `run.total` when the input says.
 * A streamed document is read element by element, each at most `maxRecordChars` long.
 */
export async function* nvdRecords(input: NvdInput, run: RunTotal, maxRecordChars: number): AsyncGenerator<unknown> {
  if (typeof input === 'string') {
    const { items, total } = nvdItemsOf(parseJsonText(input, 'NVD input'));
    if (total === undefined) throw new InvalidError('NVD input has no "vulnerabilities" array');
    run.total = total;
    yield* items;
    return;
  }
  if (isAsyncIterable(input)) {
    const iterator = input[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done === true) return;
    const rest: AsyncIterable<unknown> = { [Symbol.asyncIterator]: () => iterator };
    if (typeof first.value === 'string' || first.value instanceof Uint8Array) {
      // Text chunks of one document: stream the "vulnerabilities" array element by element.
      const chunks = (async function* () {
        yield first.value as string | Uint8Array;
        for await (const chunk of rest) yield chunk as string | Uint8Array;
      })();
      for await (const event of streamJsonArray(chunks, 'vulnerabilities', { maxValueChars: maxRecordChars })) {
        if (event.kind === 'item') yield event.value;
        else if (event.key === 'resultsPerPage' || (event.key === 'totalResults' && run.total === undefined)) {
          if (typeof event.value === 'number') run.total = event.value;
        }
      }
      return;
    }
    // Already-parsed records.
    yield first.value;
    yield* rest;
    return;
  }
  const { items, total } = nvdItemsOf(input);
  if (total === undefined) throw new InvalidError('NVD input has no "vulnerabilities" array');
  run.total = total;
  yield* items;
}

/** The raw records of an OSV input, one at a time; sets `run.total` when the input says. */
export async function* osvRecords(input: OsvInput, run: RunTotal): AsyncGenerator<unknown> {
  const one = (value: unknown): unknown => (typeof value === 'string' ? parseJsonText(value, 'OSV record') : value);
  if (typeof input === 'string') {
    const parsed = parseJsonText(input, 'OSV input');
    if (Array.isArray(parsed)) {
      run.total = parsed.length;
      yield* parsed;
    } else {
      run.total = 1;
      yield parsed;
    }
    return;
  }
  if (Array.isArray(input)) {
    run.total = input.length;
    for (const value of input) yield one(value);
    return;
  }
  if (isAsyncIterable(input)) {
    for await (const value of input) yield one(value);
    return;
  }
  if (typeof (input as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
    for (const value of input as Iterable<unknown>) yield one(value);
    return;
  }
  run.total = 1;
  yield input;
}
