import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidError, UpstreamError, errorMessage, isSentinelError, streamJsonArray } from '@sentinel-kit/core';
import type { FetchLike, ImportProgress, ImportSummary, VulnerabilityDatabase } from '@sentinel-kit/core';
import type { FeedSource } from '@sentinel-kit/core/contract';

/**
 * Vulnerability feeds from a byte stream (an HTTP request body, a file, a
 * download), fed to the importer as they arrive: gzip is recognised by its
 * magic bytes, NVD documents and OSV arrays are read element by element, so
 * a yearly feed never becomes one string. The KEV catalogue (a few MB) is
 * read whole.
 */

/** More bytes than the import accepts. */
export class FeedTooLargeError extends InvalidError {
  constructor(readonly limit: number) {
    super(`feed too large (limit ${limit} bytes)`);
  }
}

export interface FeedImportOptions {
  /** Largest feed accepted, counted after decompression. */
  maxBytes: number;
  /** KEV only: the document is the whole catalogue (entries missing from it are removed). @default true */
  full?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** @default 1000 */
  progressEvery?: number;
}

type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

async function* bytesOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) yield typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Stop with `FeedTooLargeError` once more than `max` bytes went through. */
async function* limited(chunks: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > max) throw new FeedTooLargeError(max);
    yield chunk;
  }
}

/** The chunks, gunzipped when they start with the gzip magic bytes. */
async function* decompressed(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) return;
  const rest = (async function* () {
    yield first.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  })();
  if (first.value.byteLength < 2 || first.value[0] !== 0x1f || first.value[1] !== 0x8b) {
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  const compressed = Readable.from(rest);
  // pipe() does not forward a source error (a failed download): hand it to the reader.
  compressed.on('error', (error) => gunzip.destroy(error));
  compressed.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (error) {
    if (isSentinelError(error)) throw error;
    throw new InvalidError(`feed is not valid gzip: ${errorMessage(error)}`);
  } finally {
    compressed.destroy();
  }
}

/** The first character that is not white space, and the stream still whole. */
async function peekFirstChar(chunks: AsyncIterable<Uint8Array>): Promise<{ first: string | undefined; chunks: AsyncIterable<Uint8Array> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let first: string | undefined;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) break;
    seen.push(next.value);
    const text = new TextDecoder().decode(next.value).replace(/^\uFEFF/, '').trimStart();
    if (text !== '') {
      first = text[0];
      break;
    }
  }
  const replay = (async function* () {
    yield* seen;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  })();
  return { first, chunks: replay };
}

async function textOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * Import one feed document from a byte stream into the database.
 *
 * - `nvd`: an NVD CVE API 2.0 response or yearly feed (`{"vulnerabilities": [{"cve": …}]}`), streamed;
 * - `osv`: one OSV record, an array of records (streamed), or `{"vulns": [...]}` (an OSV query answer);
 * - `kev`: CISA's `known_exploited_vulnerabilities.json`.
 *
 * @throws InvalidError (malformed document), FeedTooLargeError.
 */
export async function importFeed(db: VulnerabilityDatabase, source: FeedSource, input: ByteSource, options: FeedImportOptions): Promise<ImportSummary> {
  const chunks = limited(decompressed(bytesOf(input)), options.maxBytes);
  const importOptions = {
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.progressEvery === undefined ? {} : { progressEvery: options.progressEvery }),
  };
  if (source === 'nvd') {
    const { first, chunks: whole } = await peekFirstChar(chunks);
    if (first === undefined) throw new InvalidError('empty feed');
    return db.importNvd(whole, importOptions);
  }
  if (source === 'kev') {
    const text = await textOf(chunks);
    if (text.trim() === '') throw new InvalidError('empty feed');
    return db.importKev(text, { ...importOptions, ...(options.full === undefined ? {} : { full: options.full }) });
  }
  const { first, chunks: whole } = await peekFirstChar(chunks);
  if (first === undefined) throw new InvalidError('empty feed');
  if (first === '[') {
    const records = (async function* () {
      for await (const event of streamJsonArray(whole)) if (event.kind === 'item') yield event.value;
    })();
    return db.importOsv(records, importOptions);
  }
  const text = await textOf(whole);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidError(`OSV input is not JSON: ${errorMessage(error)}`);
  }
  const vulns = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { vulns?: unknown }).vulns : undefined;
  return db.importOsv(Array.isArray(vulns) ? vulns : (parsed as object), importOptions);
}

/**
 * Download a feed: the response body as a byte stream, with one deadline for
 * the whole transfer. Non-2xx answers and network failures are `UpstreamError`s.
 */
export async function fetchFeed(fetch: FetchLike, url: string, options: { timeoutMs: number }): Promise<AsyncIterable<Uint8Array>> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidError(`url: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidError('url: must be an http(s) URL');
  const signal = AbortSignal.timeout(options.timeoutMs);
  const shown = `${parsed.origin}${parsed.pathname}`;
  let response: Response;
  try {
    response = await fetch(parsed.toString(), { signal, headers: { accept: 'application/json, application/gzip;q=0.9, */*;q=0.5' } });
  } catch (error) {
    throw new UpstreamError(`fetching ${shown} failed: ${signal.aborted ? `no answer within ${options.timeoutMs} ms` : errorMessage(error)}`);
  }
  if (!response.ok) {
    // Not awaited: some fetch implementations settle a cancel only once the peer closes.
    void response.body?.cancel().catch(() => undefined);
    throw new UpstreamError(`fetching ${shown} answered HTTP ${response.status}`);
  }
  const body = response.body;
  if (body === null) throw new UpstreamError(`fetching ${shown} answered no body`);
  return (async function* () {
    try {
      yield* bytesOf(body);
    } catch (error) {
      throw new UpstreamError(`downloading ${shown} failed: ${signal.aborted ? `not complete within ${options.timeoutMs} ms` : errorMessage(error)}`);
    }
  })();
}
