// Bundles src/ into dist/ (one chunk per lazily loaded command) so that rig starts fast.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  logLevel: 'warning',
  banner: { js: "import { createRequire as rigCreateRequire } from 'node:module'; const require = rigCreateRequire(import.meta.url);" },
});
