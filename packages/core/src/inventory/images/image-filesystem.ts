import { normalizeArchivePath, readTar } from './tar-reader.js';
import type { ReadTarOptions, TarEntry } from './tar-reader.js';

/** What the filesystem holds at a kept path. */
export type ImageFileNode = { kind: 'file'; content: Uint8Array } | { kind: 'symlink'; target: string };

/**
 * The few files of an image's root filesystem that matter (its package
 * databases), rebuilt layer by layer as a container runtime would: upper
 * layers replace lower files, and whiteouts (`.wh.<name>`, opaque
 * `.wh..wh..opq` directories) hide what lower layers had.
 */
export interface ImageFilesystem {
  /** Apply one layer's entries on top of the layers applied before it (OCI image layer semantics). */
  applyLayer(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): Promise<void>;
  /** Read an uncompressed layer tar from a stream of chunks and apply it, keeping only selected files. */
  applyLayerArchive(chunks: AsyncIterable<Uint8Array>, options?: Pick<ReadTarOptions, 'maxFileBytes'>): Promise<void>;
  /** A kept file's content, following symlinks between kept paths; undefined when absent. */
  read(path: string): Uint8Array | undefined;
  /** Kept regular files directly or indirectly under `dir`, sorted. */
  list(dir: string): string[];
  /** Bytes of file content held. */
  readonly bytes: number;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_SYMLINK_HOPS = 16;

function split(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? { dir: '', base: path } : { dir: path.slice(0, slash), base: path.slice(slash + 1) };
}

const under = (path: string, dir: string): boolean => dir === '' || path.startsWith(`${dir}/`);

/**
 * Create an image filesystem that keeps the regular files and symlinks at
 * the paths `keep` selects (every other entry is only used for its
 * whiteout and replacement effects).
 *
 * @example
 * const fs = createImageFilesystem(isPackageDatabasePath);
 * for (const layer of layers) await fs.applyLayerArchive(gunzipped(layer));
 * const status = fs.read('var/lib/dpkg/status');
 */
export function createImageFilesystem(keep: (path: string) => boolean): ImageFilesystem {
  const nodes = new Map<string, ImageFileNode>();
  let bytes = 0;

  const remove = (path: string): void => {
    const node = nodes.get(path);
    if (node?.kind === 'file') bytes -= node.content.length;
    nodes.delete(path);
  };
  // Only a handful of paths are ever kept, so a scan is cheaper than a tree.
  const hasUnder = (dir: string): boolean => {
    for (const path of nodes.keys()) if (under(path, dir)) return true;
    return false;
  };
  const removeUnder = (dir: string): void => {
    for (const path of [...nodes.keys()]) if (under(path, dir)) remove(path);
  };

  const resolve = (path: string, hops = 0): ImageFileNode | undefined => {
    const node = nodes.get(path);
    if (node?.kind !== 'symlink') return node;
    if (hops >= MAX_SYMLINK_HOPS) return undefined;
    const target = node.target.startsWith('/') ? normalizeArchivePath(node.target) : normalizeArchivePath(`${split(path).dir}/${node.target}`);
    return resolve(target, hops + 1);
  };

  const fs: ImageFilesystem = {
    async applyLayer(entries) {
      // Whiteouts hide lower layers only: collect this layer's effects first, then apply them below its own entries.
      const hidden: Array<{ path: string; opaque: boolean }> = [];
      const replaced: string[] = [];
      const added = new Map<string, ImageFileNode | null>();
      for await (const entry of entries) {
        const { dir, base } = split(entry.path);
        if (base === OPAQUE) {
          hidden.push({ path: dir, opaque: true });
          continue;
        }
        if (base.startsWith(WHITEOUT)) {
          const name = base.slice(WHITEOUT.length);
          if (name !== '') hidden.push({ path: dir === '' ? name : `${dir}/${name}`, opaque: false });
          continue;
        }
        // A non-directory entry replaces whatever the lower layers had at and below its path.
        if (entry.type !== 'directory' && hasUnder(entry.path)) replaced.push(entry.path);
        if (!keep(entry.path)) continue;
        if (entry.type === 'file' && entry.content !== undefined) added.set(entry.path, { kind: 'file', content: entry.content });
        else if (entry.type === 'symlink') added.set(entry.path, { kind: 'symlink', target: entry.linkname });
        else if (entry.type === 'hardlink') {
          // A hard link names an earlier entry of the same archive (or, as Docker flattens, a lower layer's file).
          const target = added.get(entry.linkname) ?? nodes.get(entry.linkname) ?? null;
          added.set(entry.path, target);
        } else if (entry.type !== 'directory') added.set(entry.path, null);
      }
      for (const { path, opaque } of hidden) {
        if (opaque) removeUnder(path);
        else {
          remove(path);
          removeUnder(path);
        }
      }
      for (const path of replaced) removeUnder(path);
      for (const [path, node] of added) {
        remove(path);
        if (node === null) continue;
        nodes.set(path, node);
        if (node.kind === 'file') bytes += node.content.length;
      }
    },

    async applyLayerArchive(chunks, options = {}) {
      await fs.applyLayer(readTar(chunks, { keep, ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }) }));
    },

    read(path) {
      const node = resolve(normalizeArchivePath(path));
      return node?.kind === 'file' ? node.content : undefined;
    },

    list(dir) {
      const root = normalizeArchivePath(dir);
      return [...nodes.entries()]
        .filter(([path, node]) => node.kind === 'file' && under(path, root) && path !== root)
        .map(([path]) => path)
        .sort();
    },

    get bytes() {
      return bytes;
    },
  };
  return fs;
}

/** Where OS package databases and the OS identity live inside an image. */
export const PACKAGE_DATABASE_PATHS = {
  dpkgStatus: 'var/lib/dpkg/status',
  /** Distroless images: one status stanza per file. */
  dpkgStatusDir: 'var/lib/dpkg/status.d',
  apkInstalled: 'lib/apk/db/installed',
  /** `etc/os-release` is usually a symlink to `usr/lib/os-release`. */
  osRelease: ['etc/os-release', 'usr/lib/os-release'],
} as const;

/** Whether a path is one an image scan needs: package databases and os-release. */
export function isPackageDatabasePath(path: string): boolean {
  if (path === PACKAGE_DATABASE_PATHS.dpkgStatus || path === PACKAGE_DATABASE_PATHS.apkInstalled) return true;
  if ((PACKAGE_DATABASE_PATHS.osRelease as readonly string[]).includes(path)) return true;
  // status.d holds `<pkg>` stanzas and `<pkg>.md5sums` lists; only the stanzas matter.
  return path.startsWith(`${PACKAGE_DATABASE_PATHS.dpkgStatusDir}/`) && !path.endsWith('.md5sums') && !path.slice(PACKAGE_DATABASE_PATHS.dpkgStatusDir.length + 1).includes('/');
}
