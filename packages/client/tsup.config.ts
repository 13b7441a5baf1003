import { defineConfig } from 'tsup';

export default defineConfig({
  // The agent is its own entry (it uses node:child_process/fs/os); `agent/cli` is the `sentinel-agent` bin.
  entry: { index: 'src/index.ts', 'agent/index': 'src/agent/index.ts', 'agent/cli': 'src/agent/cli.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  sourcemap: true,
});
