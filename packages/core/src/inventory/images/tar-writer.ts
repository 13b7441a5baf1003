/**
 * A small ustar/pax tar writer, for building image layers in tests,
 * fixtures and examples (`createTar` + `gzipBytes` give a real
 * `tar+gzip` layer). Not a general archiver: no sparse files, no devices.
 */

export interface TarWriteEntry {
  path: string;
  /** @default 'file' */
  type?: 'file' | 'directory' | 'symlink' | 'hardlink';
  content?: string | Uint8Array;
  /** Target of a symlink or hard link. */
  linkname?: string;
  /** @default 0o644 for files, 0o755 for directories, 0o777 for links */
  mode?: number;
}

const BLOCK = 512;
const encoder = new TextEncoder();

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  block.set(encoder.encode(value).subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function header(name: string, flag: string, size: number, mode: number, linkname: string): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 1_700_000_000);
  block.fill(0x20, 148, 156);
  writeString(block, 156, 1, flag);
  writeString(block, 157, 100, linkname);
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

function padded(data: Uint8Array): Uint8Array[] {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return pad === 0 ? [data] : [data, new Uint8Array(pad)];
}

/**
 * Build a tar archive. Paths or link targets longer than the ustar fields
 * get a pax extended header, as GNU tar and Docker write them.
 *
 * @example
 * const layer = await gzipBytes(createTar([{ path: 'etc/os-release', content: 'ID=debian\n' }]));
 */
export function createTar(entries: readonly TarWriteEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const data = type === 'file' ? (typeof entry.content === 'string' ? encoder.encode(entry.content) : (entry.content ?? new Uint8Array(0))) : new Uint8Array(0);
    const name = type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
    const linkname = entry.linkname ?? '';
    const records: string[] = [];
    if (encoder.encode(name).length > 100) records.push(paxRecord('path', name));
    if (encoder.encode(linkname).length > 100) records.push(paxRecord('linkpath', linkname));
    if (records.length > 0) {
      const paxData = encoder.encode(records.join(''));
      parts.push(header('PaxHeader', 'x', paxData.length, 0o644, ''), ...padded(paxData));
    }
    const flag = { file: '0', directory: '5', symlink: '2', hardlink: '1' }[type];
    const mode = entry.mode ?? (type === 'directory' ? 0o755 : type === 'file' ? 0o644 : 0o777);
    parts.push(header(name.slice(0, 100), flag, data.length, mode, linkname.slice(0, 100)), ...padded(data));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** gzip bytes with the platform's CompressionStream. */
export async function gzipBytes(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
