import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DashboardBundle } from './bundle.js';

/** One file the dashboard serves under `/ui/`. */
export interface DashboardAsset {
  body: string;
  contentType: string;
  /** Strong validator: the SHA-256 of the body, also used to bust caches in the page. */
  etag: string;
}

export interface DashboardAssets {
  files: ReadonlyMap<string, DashboardAsset>;
  /** Short content hash of the whole bundle, appended to asset URLs. */
  version: string;
}

export interface AssetLoaderOptions {
  /** Where a built server keeps the bundle. @default `./ui/` beside the built module (`dist/ui/`) */
  prebuiltDir?: URL;
  /** Build the bundle when no prebuilt one exists (running from source). @default esbuild over `client/main.tsx` */
  build?: () => Promise<DashboardBundle>;
  /** Whether the sources to build from exist. @default checks `client/main.tsx` */
  canBuild?: () => Promise<boolean>;
}

const exists = (url: URL): Promise<boolean> =>
  access(fileURLToPath(url)).then(
    () => true,
    () => false,
  );

/**
 * The dashboard's assets, loaded once per app on first use: the prebuilt
 * bundle of `pnpm build` when there is one, else built from the sources
 * (`pnpm dev`, tests), else an error saying how to get one.
 */
export function createAssetLoader(options: AssetLoaderOptions = {}): () => Promise<DashboardAssets> {
  const prebuiltDir = options.prebuiltDir ?? new URL('./ui/', import.meta.url);
  let loading: Promise<DashboardAssets> | undefined;
  const load = async (): Promise<DashboardAssets> => {
    const js = new URL('app.js', prebuiltDir);
    let bundle: DashboardBundle;
    if (await exists(js)) {
      bundle = { js: await readFile(fileURLToPath(js), 'utf8'), css: await readFile(fileURLToPath(new URL('app.css', prebuiltDir)), 'utf8') };
    } else {
      const { bundleDashboard, DASHBOARD_ENTRY } = await import('./bundle.js');
      const canBuild = options.canBuild ?? (() => exists(DASHBOARD_ENTRY));
      if (!(await canBuild())) throw new Error('the dashboard bundle is missing: run `pnpm build`');
      bundle = await (options.build ?? (() => bundleDashboard()))();
    }
    const asset = (body: string, contentType: string): DashboardAsset => ({ body, contentType, etag: createHash('sha256').update(body).digest('hex').slice(0, 32) });
    const files = new Map([
      ['app.js', asset(bundle.js, 'text/javascript; charset=utf-8')],
      ['app.css', asset(bundle.css, 'text/css; charset=utf-8')],
    ]);
    const version = createHash('sha256').update(bundle.js).update(bundle.css).digest('hex').slice(0, 12);
    return { files, version };
  };
  return () => {
    // A failed load is retried on the next request (the sources may have been fixed meanwhile).
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
