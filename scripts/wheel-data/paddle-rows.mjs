// The `releases` and `wheels` tables of recipes/data/paddle.yaml: builds from Paddle's per-build pages, rows.
import { collectBuilds, cudaList, pythonRange } from './builds.mjs';
import { PageError } from './errors.mjs';
import { readPage } from './index-pages.mjs';
import { atLeast, newestPatches } from './versions.mjs';
import { quote } from './yaml-scalars.mjs';

const PADDLE_INDEX = 'https://www.paddlepaddle.org.cn/packages/stable/';
const PADDLE_VARIANTS = ['cpu', 'cu118', 'cu126', 'cu129', 'cu130'];

// The oldest Paddle minor the tables are refreshed from; older rows are kept as written.
export const PADDLE_MIN = '3.0';

// The project a Paddle build installs: paddlepaddle for cpu, paddlepaddle-gpu for CUDA builds.
function paddleProject(variant) {
  return variant === 'cpu' ? 'paddlepaddle' : 'paddlepaddle-gpu';
}

// Fetches or reads Paddle's per-build pages: variant → version → build.
export async function paddleBuilds(from) {
  const builds = new Map();
  for (const variant of PADDLE_VARIANTS) {
    const project = paddleProject(variant);
    const html = await readPage(`${PADDLE_INDEX}${variant}/${project}/`, `paddle-${variant}-${project}.html`, from);
    builds.set(variant, collectBuilds(html, project, () => variant));
  }
  if ([...builds.values()].every((b) => b.size === 0)) throw new PageError('no final Linux x86_64 Paddle wheels on the Paddle pages');
  return builds;
}

// The rows of Paddle's `releases` table from the per-build pages (releases >= 3.0, newest patch per minor).
export function paddleReleases(builds, existing) {
  const byVersion = new Map(existing.map((row) => [String(row.version), row]));
  const all = new Set(PADDLE_VARIANTS.flatMap((variant) => [...builds.get(variant).keys()]));
  return newestPatches([...all].filter((v) => atLeast(v, PADDLE_MIN))).map((version) => {
    const variants = PADDLE_VARIANTS.filter((variant) => builds.get(variant).has(version));
    const minors = new Set(variants.flatMap((variant) => [...builds.get(variant).get(version).minors]));
    return { version, variants, cuda: cudaList(variants), python: pythonRange(minors), source: byVersion.get(version)?.source };
  });
}

// One row of Paddle's `releases` table in the data file's style.
export function formatPaddleRelease(row) {
  const source = row.source === undefined ? '' : `, source: ${quote(row.source)}`;
  return `  - { version: ${quote(row.version)}, cuda: [${row.cuda.join(', ')}], python: ${quote(row.python)}${source} }`;
}

// One row of Paddle's `wheels` table for a 3.x build: the per-build index, nothing installed locally.
export function formatPaddleWheel(version, variant) {
  return `  - { version: ${quote(version)}, variant: ${variant}, requirement: ${quote(`${paddleProject(variant)}==${version}`)}, ` +
    `index: ${quote(`${PADDLE_INDEX}${variant}/`)}, links: "", numpy: "numpy", cudnn: "", local: false }`;
}
