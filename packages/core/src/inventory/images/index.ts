// Container images: reading OS package databases from layers, the image inventory model, search and facets.
export { readTar, normalizeArchivePath } from './tar-reader.js';
export type { TarEntry, TarEntryType, ReadTarOptions } from './tar-reader.js';
export { createTar, gzipBytes } from './tar-writer.js';
export type { TarWriteEntry } from './tar-writer.js';
export { createImageFilesystem, isPackageDatabasePath, PACKAGE_DATABASE_PATHS } from './image-filesystem.js';
export type { ImageFilesystem, ImageFileNode } from './image-filesystem.js';
export { scanImagePackages, pickPlatform } from './image-package-scan.js';
export type { ScanImageOptions, ScanPlatform, ImagePackageScan } from './image-package-scan.js';
export {
  SEVERITY_BUCKETS,
  severityBucket,
  documentedPackageType,
  imageVulnerabilities,
  vulnerabilitiesSummary,
  kubernetesSummary,
  toImageResult,
} from './image-inventory.js';
export type { ImageInventoryEntry, ImageWorkload, ImageVulnerability, RepositoryEntry } from './image-inventory.js';
export { searchImages, facetImages, searchRepositories, DEFAULT_ROWS, DEFAULT_FACET_ROWS } from './image-search.js';
export { createMemoryOciRegistry } from './memory-oci-registry.js';
export type { MemoryOciRegistry, MemoryOciRegistryOptions, PushImageOptions, PushedImage } from './memory-oci-registry.js';
