// Bundles src/ into dist/ (one chunk per lazily loaded command) so that rig starts fast.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// A hash of every source file and the package version: caches keyed by it die with each new build.
function buildId() {
  const hash = createHash('sha256').update(readFileSync('package.json'));
  for (const file of readdirSync('src', { recursive: true }).sort()) {
    if (String(file).endsWith('.ts')) hash.update(String(file)).update(readFileSync(join('src', String(file))));
  }
  return hash.digest('hex').slice(0, 16);
}

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  logLevel: 'warning',
  define: { RIG_BUILD: JSON.stringify(buildId()) },
  banner: { js: "import { createRequire as rigCreateRequire } from 'node:module'; const require = rigCreateRequire(import.meta.url);" },
});
