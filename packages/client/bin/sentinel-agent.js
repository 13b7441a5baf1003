#!/usr/bin/env node
// The installed command. pnpm links bins at install time, before the package is
// built, so the bin is this small file that loads the build when it runs.
try {
  await import('../dist/agent/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/agent/cli.js')) throw error;
  process.stderr.write('sentinel-agent: the package is not built yet; run `npx --yes pnpm@10 build` in the repository first\n');
  process.exit(1);
}
