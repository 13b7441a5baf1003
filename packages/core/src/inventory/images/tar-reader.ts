import { InvalidError } from '../../errors/index.js';

/** What a tar entry is, as far as an image filesystem cares. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Normalised path: no leading `/` or `./`, no trailing `/`, `.`/`..` segments resolved inside the archive root. */
  path: string;
  type: TarEntryType;
  /** Size of the entry's data in the archive. */
  size: number;
  mode: number;
  /** Symlink target as written; for hard links, the normalised path of the linked entry. Empty otherwise. */
  linkname: string;
  /** The file's bytes, only for regular files that the `keep` option selected. */
  content?: Uint8Array;
}

export interface ReadTarOptions {
  /** Regular files whose content to keep (by normalised path); every other byte streams past without being held. @default none */
  keep?: (path: string) => boolean;
  /** Largest kept file; a larger selected file is an `InvalidError`. @default 64 MiB */
  maxFileBytes?: number;
}

const BLOCK = 512;
// pax and GNU long-name records are metadata: a few KiB in real archives.
const MAX_META_BYTES = 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8');

/** Reads exact byte counts from a stream of chunks, holding only what a read asks for. */
class ByteReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private done = false;

  constructor(private readonly iterator: AsyncIterator<Uint8Array>) {}

  private async pull(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.iterator.next();
    if (next.done === true) {
      this.done = true;
      return false;
    }
    if (next.value.length > 0) {
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
    return true;
  }

  /** Exactly `n` bytes, or `undefined` at a clean end of stream; throws on a partial read. */
  async read(n: number): Promise<Uint8Array | undefined> {
    while (this.buffered < n) if (!(await this.pull())) break;
    if (this.buffered === 0 && n > 0) return undefined;
    if (this.buffered < n) throw new InvalidError('truncated tar archive');
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const first = this.chunks[0] as Uint8Array;
      const take = Math.min(first.length, n - filled);
      out.set(first.subarray(0, take), filled);
      filled += take;
      if (take === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(take);
    }
    this.buffered -= n;
    return out;
  }

  /** Discard `n` bytes as they arrive; throws when the stream ends first. */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.pull())) throw new InvalidError('truncated tar archive');
      const first = this.chunks[0];
      if (first === undefined) continue;
      const take = Math.min(first.length, left);
      if (take === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(take);
      this.buffered -= take;
      left -= take;
    }
  }
}

function cString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return utf8.decode(block.subarray(start, end));
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numeric(block: Uint8Array, start: number, length: number): number {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new InvalidError('not a tar archive: malformed numeric header field');
  return Number.parseInt(text, 8);
}

function checksumMatches(block: Uint8Array): boolean {
  const stored = numeric(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Normalise an archive path the way an image filesystem is addressed: relative to the root, no `.`/`..`. */
export function normalizeArchivePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}

/** pax extended header records: `<length> <key>=<value>\n`. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    let space = at;
    while (space < data.length && data[space] !== 0x20) space++;
    const length = Number.parseInt(utf8.decode(data.subarray(at, space)), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) break;
    const record = utf8.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

function typeOf(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

/**
 * Read a tar archive (ustar, pax extended headers, GNU long names and
 * base-256 sizes) from a stream of chunks, entry by entry. Only the files
 * `keep` selects are held in memory; everything else is skipped as it
 * streams past. Reading stops at the end-of-archive marker and releases the
 * source (its iterator's `return()`), also when the consumer stops early.
 *
 * @example
 * for await (const entry of readTar(chunks, { keep: (p) => p === 'etc/os-release' })) {
 *   if (entry.content) console.log(new TextDecoder().decode(entry.content));
 * }
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, options: ReadTarOptions = {}): AsyncGenerator<TarEntry> {
  const keep = options.keep ?? ((): boolean => false);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const iterator = source[Symbol.asyncIterator]();
  const reader = new ByteReader(iterator);
  let pax = new Map<string, string>();
  let globalPax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const block = await reader.read(BLOCK);
      if (block === undefined) return;
      if (block.every((byte) => byte === 0)) return;
      if (!checksumMatches(block)) throw new InvalidError('not a tar archive: header checksum mismatch');
      const flag = String.fromCharCode(block[156] as number);
      const magic = cString(block, 257, 6);
      const ustar = magic === 'ustar';
      let size = numeric(block, 124, 12);
      const overrides = new Map([...globalPax, ...pax]);
      const paxSize = overrides.get('size');
      if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize);
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;

      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (size > MAX_META_BYTES) throw new InvalidError('tar metadata record too large');
        const data = (await reader.read(size)) ?? new Uint8Array(0);
        await reader.skip(padding);
        if (flag === 'x') pax = paxRecords(data);
        else if (flag === 'g') globalPax = paxRecords(data);
        else if (flag === 'L') longName = cString(data, 0, data.length);
        else longLink = cString(data, 0, data.length);
        continue;
      }

      const prefix = ustar ? cString(block, 345, 155) : '';
      const headerName = cString(block, 0, 100);
      const rawPath = overrides.get('path') ?? longName ?? (prefix === '' ? headerName : `${prefix}/${headerName}`);
      const rawLink = overrides.get('linkpath') ?? longLink ?? cString(block, 157, 100);
      pax = new Map();
      longName = undefined;
      longLink = undefined;

      const type = typeOf(flag);
      const path = normalizeArchivePath(rawPath);
      const entry: TarEntry = {
        path,
        type,
        size,
        mode: numeric(block, 100, 8),
        linkname: type === 'hardlink' ? normalizeArchivePath(rawLink) : type === 'symlink' ? rawLink : '',
      };
      if (type === 'file' && path !== '' && keep(path)) {
        if (size > maxFileBytes) throw new InvalidError(`${path} is larger than ${maxFileBytes} bytes`);
        entry.content = (await reader.read(size)) ?? new Uint8Array(0);
        await reader.skip(padding);
      } else {
        await reader.skip(size + padding);
      }
      if (path !== '') yield entry;
    }
  } finally {
    await iterator.return?.();
  }
}
