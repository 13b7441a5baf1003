import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../errors/index.js';
import { createImageFilesystem, isPackageDatabasePath } from './image-filesystem.js';
import { readTar } from './tar-reader.js';
import type { TarEntry } from './tar-reader.js';
import { createTar, gzipBytes } from './tar-writer.js';
import type { TarWriteEntry } from './tar-writer.js';

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

/** Feed bytes in chunks of `size` (odd sizes cross every header and padding boundary). */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function entries(bytes: Uint8Array, keep?: (path: string) => boolean, chunk = 4096): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const entry of readTar(chunked(bytes, chunk), keep === undefined ? {} : { keep })) out.push(entry);
  return out;
}

const fixture = async (name: string): Promise<Uint8Array> => gunzip(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))));

describe('readTar', () => {
  for (const name of ['gnu-tar-layer.tar.gz', 'pax-tar-layer.tar.gz']) {
    it(`reads an archive written by GNU tar (${name}): long names, symlinks, normalised paths, kept content only`, async () => {
      const bytes = await fixture(name);
      for (const chunk of [1, 511, 513, 100_000]) {
        const all = await entries(bytes, isPackageDatabasePath, chunk);
        const byPath = new Map(all.map((e) => [e.path, e]));
        const long = [...byPath.keys()].find((p) => p.endsWith('/file-with-a-long-name.txt'));
        expect(long).toBe(`usr/share/${'d'.repeat(120)}/file-with-a-long-name.txt`);
        expect(byPath.get(long!)).toMatchObject({ type: 'file', size: 5 });
        expect(byPath.get(long!)?.content).toBeUndefined();
        expect(byPath.get('etc/os-release')).toMatchObject({ type: 'symlink', linkname: '../usr/lib/os-release' });
        expect(byPath.get('var/lib/dpkg')).toMatchObject({ type: 'directory' });
        expect(text(byPath.get('var/lib/dpkg/status')?.content)).toBe('Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\n');
        expect(text(byPath.get('var/lib/dpkg/status.d/libssl3')?.content)).toContain('Source: openssl');
        expect(byPath.get('var/lib/dpkg/status.d/libssl3.md5sums')?.content).toBeUndefined();
      }
    });
  }

  it('reads what createTar writes, including pax paths longer than 100 bytes and hard links', async () => {
    const longPath = `opt/${'x'.repeat(150)}/data.txt`;
    const tar = createTar([
      { path: 'a', type: 'directory' },
      { path: 'a/b.txt', content: 'hello' },
      { path: longPath, content: 'long' },
      { path: 'a/hard', type: 'hardlink', linkname: 'a/b.txt' },
      { path: 'a/empty', content: '' },
    ]);
    const all = await entries(tar, () => true, 7);
    expect(all.map((e) => [e.path, e.type])).toEqual([
      ['a', 'directory'],
      ['a/b.txt', 'file'],
      [longPath, 'file'],
      ['a/hard', 'hardlink'],
      ['a/empty', 'file'],
    ]);
    expect(text(all[2]?.content)).toBe('long');
    expect(all[3]?.linkname).toBe('a/b.txt');
    expect(all[4]?.content).toEqual(new Uint8Array(0));
  });

  it('rejects data that is not a tar archive, and a truncated one', async () => {
    await expect(entries(new TextEncoder().encode('x'.repeat(1024)))).rejects.toBeInstanceOf(InvalidError);
    const tar = createTar([{ path: 'big', content: 'y'.repeat(2000) }]);
    await expect(entries(tar.subarray(0, 1200), () => true)).rejects.toThrow(/truncated/);
  });

  it('refuses to hold a selected file larger than maxFileBytes', async () => {
    const tar = createTar([{ path: 'var/lib/dpkg/status', content: 'z'.repeat(5000) }]);
    const read = async () => {
      for await (const _ of readTar(chunked(tar, 512), { keep: () => true, maxFileBytes: 4096 })) void _;
    };
    await expect(read()).rejects.toThrow(/larger than 4096 bytes/);
  });

  it('stops at the end-of-archive marker and releases the source, also when the consumer stops early', async () => {
    let released = 0;
    const tar = createTar([{ path: 'one', content: '1' }, { path: 'two', content: '2' }]);
    const source = (): AsyncIterable<Uint8Array> => ({
      [Symbol.asyncIterator]() {
        const inner = chunked(new Uint8Array([...tar, ...new Uint8Array(4096).fill(7)]), 512);
        return {
          next: () => inner.next(),
          return: async () => {
            released++;
            return { done: true as const, value: undefined };
          },
        };
      },
    });
    const seen: string[] = [];
    for await (const entry of readTar(source())) seen.push(entry.path);
    expect(seen).toEqual(['one', 'two']);
    for await (const entry of readTar(source())) {
      seen.push(entry.path);
      break;
    }
    expect(released).toBe(2);
  });
});

async function layer(entries: TarWriteEntry[]): Promise<AsyncIterable<Uint8Array>> {
  // A real layer blob: tar, gzip, then gunzip on the way in, as the scanner does.
  const gz = await gzipBytes(createTar(entries));
  return new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
}

describe('createImageFilesystem (layer order and whiteouts)', () => {
  const status = (name: string, version: string): string => `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n`;

  it('upper layers replace lower files; symlinks resolve between kept paths', async () => {
    const fs = createImageFilesystem(isPackageDatabasePath);
    await fs.applyLayerArchive(await layer([
      { path: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="11"\n' },
      { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { path: 'var/lib/dpkg/status', content: status('a', '1') },
      { path: 'bin/sh', content: 'not kept' },
    ]));
    await fs.applyLayerArchive(await layer([{ path: 'var/lib/dpkg/status', content: status('a', '2') }, { path: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }]));
    expect(text(fs.read('var/lib/dpkg/status'))).toBe(status('a', '2'));
    expect(text(fs.read('/etc/os-release'))).toContain('VERSION_ID="12"');
    expect(fs.read('bin/sh')).toBeUndefined();
    expect(fs.bytes).toBe(status('a', '2').length + 'ID=debian\nVERSION_ID="12"\n'.length);
  });

  it('a .wh. file hides the lower file; the same layer may add it back only in a later layer', async () => {
    const fs = createImageFilesystem(isPackageDatabasePath);
    await fs.applyLayer([{ path: 'var/lib/dpkg/status', type: 'file', size: 3, mode: 0o644, linkname: '', content: new TextEncoder().encode('old') }]);
    // The whiteout applies to lower layers only, so the status written in this same layer survives.
    await fs.applyLayer([
      { path: 'lib/apk/db/installed', type: 'file', size: 1, mode: 0o644, linkname: '', content: new TextEncoder().encode('P') },
      { path: 'var/lib/dpkg/.wh.status', type: 'file', size: 0, mode: 0o644, linkname: '' },
    ]);
    expect(fs.read('var/lib/dpkg/status')).toBeUndefined();
    expect(text(fs.read('lib/apk/db/installed'))).toBe('P');
    await fs.applyLayer([
      { path: 'var/lib/dpkg/status', type: 'file', size: 3, mode: 0o644, linkname: '', content: new TextEncoder().encode('new') },
      { path: 'var/lib/dpkg/.wh.status', type: 'file', size: 0, mode: 0o644, linkname: '' },
    ]);
    expect(text(fs.read('var/lib/dpkg/status'))).toBe('new');
  });

  it('a whiteout of a directory and an opaque directory hide everything below them in lower layers', async () => {
    const fs = createImageFilesystem(isPackageDatabasePath);
    await fs.applyLayerArchive(await layer([
      { path: 'var/lib/dpkg/status.d/libssl3', content: status('libssl3', '3.0.11-1~deb12u2') },
      { path: 'var/lib/dpkg/status.d/tzdata', content: status('tzdata', '2024a-0+deb12u1') },
      { path: 'var/lib/dpkg/status', content: status('x', '1') },
    ]));
    expect(fs.list('var/lib/dpkg/status.d')).toEqual(['var/lib/dpkg/status.d/libssl3', 'var/lib/dpkg/status.d/tzdata']);
    // Opaque: the lower entries go, the layer's own new entry stays.
    await fs.applyLayerArchive(await layer([
      { path: 'var/lib/dpkg/status.d/.wh..wh..opq', content: '' },
      { path: 'var/lib/dpkg/status.d/base-files', content: status('base-files', '12.4+deb12u5') },
    ]));
    expect(fs.list('var/lib/dpkg/status.d')).toEqual(['var/lib/dpkg/status.d/base-files']);
    expect(fs.read('var/lib/dpkg/status')).toBeDefined();
    // Whiteout of the directory itself.
    await fs.applyLayerArchive(await layer([{ path: 'var/lib/dpkg/.wh.status.d', content: '' }]));
    expect(fs.list('var/lib/dpkg')).toEqual(['var/lib/dpkg/status']);
    // An opaque directory higher up hides it too.
    await fs.applyLayerArchive(await layer([{ path: 'var/.wh..wh..opq', content: '' }]));
    expect(fs.list('')).toEqual([]);
  });

  it('a file replacing a lower directory hides what was below it; a kept path replaced by an unkept type disappears', async () => {
    const fs = createImageFilesystem(isPackageDatabasePath);
    await fs.applyLayerArchive(await layer([{ path: 'var/lib/dpkg/status.d/a', content: status('a', '1') }, { path: 'etc/os-release', content: 'ID=alpine\n' }]));
    await fs.applyLayerArchive(await layer([{ path: 'var/lib/dpkg/status.d', content: 'now a file' }, { path: 'etc/os-release', type: 'directory' }]));
    expect(fs.list('var/lib/dpkg')).toEqual([]);
    // A directory entry does not remove a file (tar order: only a whiteout would).
    expect(text(fs.read('etc/os-release'))).toBe('ID=alpine\n');
  });

  it('a symlink loop or a dangling link reads as absent', async () => {
    const fs = createImageFilesystem(() => true);
    await fs.applyLayerArchive(await layer([
      { path: 'etc/os-release', type: 'symlink', linkname: 'os-release2' },
      { path: 'etc/os-release2', type: 'symlink', linkname: '/etc/os-release' },
      { path: 'etc/dangling', type: 'symlink', linkname: 'nowhere' },
    ]));
    expect(fs.read('etc/os-release')).toBeUndefined();
    expect(fs.read('etc/dangling')).toBeUndefined();
  });
});
