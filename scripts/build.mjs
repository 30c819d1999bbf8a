// Bundles src/ into dist/ (one chunk per lazily loaded command) so that rig starts fast.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

// A hash of every source file and the package version: caches keyed by it die with each new build.
function buildId() {
  const hash = createHash('sha256').update(readFileSync('package.json'));
  for (const file of readdirSync('src', { recursive: true }).sort()) {
    if (String(file).endsWith('.ts')) hash.update(String(file)).update(readFileSync(join('src', String(file))));
  }
  return hash.digest('hex').slice(0, 16);
}

// zod bundles the messages of every language it speaks (370 KB, half of its code, parsed at each start); rig words its
// own messages, so only zod's English ones go in.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: resolve(args.resolveDir, '../locales/en.js'), namespace: 'zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: process.cwd() }));
  },
};

// Chunks of an earlier build are never loaded; they go.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  define: { RIG_BUILD: JSON.stringify(buildId()) },
  banner: { js: "import { createRequire as rigCreateRequire } from 'node:module'; const require = rigCreateRequire(import.meta.url);" },
});
