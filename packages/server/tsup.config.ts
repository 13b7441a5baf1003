import { defineConfig } from 'tsup';
import { writeDashboardBundle } from './src/dashboard/bundle.js';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  target: 'es2022',
  sourcemap: true,
  // Only a server running from source builds the dashboard itself; a built one serves dist/ui.
  external: ['esbuild'],
  // The dashboard's browser bundle, served from dist/ui by the built server.
  async onSuccess() {
    const bundle = await writeDashboardBundle('dist/ui');
    console.log(`dashboard bundle: app.js ${bundle.js.length} B, app.css ${bundle.css.length} B`);
  },
});
