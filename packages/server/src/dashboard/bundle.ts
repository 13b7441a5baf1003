import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's browser code, built: one ES module and one stylesheet. */
export interface DashboardBundle {
  js: string;
  css: string;
}

/** Where the browser code starts, next to this file in the sources. */
export const DASHBOARD_ENTRY = new URL('./client/main.tsx', import.meta.url);

/**
 * Bundle the browser code with esbuild: Preact, the typed client and the
 * pages in one minified ES module, the CSS beside it. Nothing is fetched at
 * run time; every byte the browser gets comes from this bundle.
 */
export async function bundleDashboard(entry: URL = DASHBOARD_ENTRY): Promise<DashboardBundle> {
  // Imported on demand: a built server serves the prebuilt bundle and never needs esbuild.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: fileURLToPath(entry) },
    bundle: true,
    write: false,
    outdir: 'ui',
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // Workspace packages resolve to their TypeScript sources, as everywhere else in the repo.
    conditions: ['@sentinel-kit/source'],
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const pick = (suffix: string): string => result.outputFiles.find((f) => f.path.endsWith(suffix))?.text ?? '';
  return { js: pick('.js'), css: pick('.css') };
}

/** Build the bundle into `dir` (`dist/ui` at `pnpm build`). */
export async function writeDashboardBundle(dir: string): Promise<DashboardBundle> {
  const bundle = await bundleDashboard();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'app.js'), bundle.js);
  await writeFile(join(dir, 'app.css'), bundle.css);
  return bundle;
}
