// The `torch` table of recipes/data/pytorch.yaml: builds from download.pytorch.org's pages, paired companions, rows.
import { collectBuilds, cudaList, pythonRange } from './builds.mjs';
import { PageError } from './errors.mjs';
import { readPage } from './index-pages.mjs';
import { atLeast, compareVersions, minorOf, newestPatches } from './versions.mjs';
import { quote, word } from './yaml-scalars.mjs';

const TORCH_INDEX = 'https://download.pytorch.org/whl/';
const TORCH_PROJECTS = ['torch', 'torchvision', 'torchaudio'];

// The build of a download.pytorch.org wheel from its local label: cuXXX or cpu; ROCm, XPU and others skipped.
function torchVariant(wheel) {
  return /^cu\d+$/.test(wheel.local) || wheel.local === 'cpu' ? wheel.local : null;
}

// Fetches or reads the torch, torchvision and torchaudio pages and collects their builds.
export async function torchBuilds(from) {
  const builds = {};
  for (const project of TORCH_PROJECTS) {
    const html = await readPage(`${TORCH_INDEX}${project}/`, `${project}.html`, from);
    builds[project] = collectBuilds(html, project, torchVariant);
  }
  if (builds.torch.size === 0) throw new PageError('no final Linux x86_64 torch wheels on the torch page');
  return builds;
}

// The companion release of minor `minor` carrying every torch build (`exact` first, then newest); else, warned, the first lacking some; else "".
function pickCompanion(builds, minor, exact, variants, label, warn) {
  if (minor === null) return '';
  const sameMinor = [...builds.keys()].filter((v) => minorOf(v) === minor).sort((a, b) => compareVersions(b, a));
  const covers = (v) => [...variants].every((variant) => builds.get(v).variants.has(variant));
  const ranked = [...sameMinor.filter((v) => v === exact), ...sameMinor.filter((v) => v !== exact)];
  const full = ranked.find(covers);
  if (full) return full;
  if (!ranked.length) return '';
  const missing = [...variants].filter((v) => !builds.get(ranked[0]).variants.has(v)).sort();
  warn(`${label} ${ranked[0]} has no Linux x86_64 wheels for ${missing.join(', ')}; paired anyway`);
  return ranked[0];
}

// torchvision's minor for a torch version (documented pairing: 0.(minor + 15) for torch 2.x), or null.
function torchvisionMinor(torchVersion) {
  const [major, minor] = torchVersion.split('.').map(Number);
  return major === 2 ? `0.${minor + 15}` : null;
}

// The rows of the torch table from the three project pages' builds, newest first.
export function torchRows(builds, existing, min, warn) {
  const byVersion = new Map(existing.map((row) => [String(row.version), row]));
  const versions = newestPatches([...builds.torch.keys()].filter((v) => atLeast(v, min)));
  return versions.map((version) => {
    const build = builds.torch.get(version);
    const old = byVersion.get(version);
    if (!old) warn(`torch ${version} is new: pypi written as "" (the PyPI build is not on these pages; set it by hand)`);
    return {
      version,
      torchvision: pickCompanion(builds.torchvision, torchvisionMinor(version), null, build.variants, `torchvision for torch ${version}:`, warn),
      torchaudio: pickCompanion(builds.torchaudio, minorOf(version), version, build.variants, `torchaudio for torch ${version}:`, warn),
      cuda: cudaList(build.variants),
      python: pythonRange(build.minors),
      pypi: old?.pypi ?? '',
      source: old?.source,
    };
  });
}

// One row of the torch table in the data file's flow style (a kept `source` on its own continuation line).
export function formatTorchRow(row) {
  const head = `  - { version: ${quote(row.version)}, torchvision: ${quote(row.torchvision)}, torchaudio: ${quote(row.torchaudio)}, ` +
    `cuda: [${row.cuda.join(', ')}], python: ${quote(row.python)}, pypi: ${word(row.pypi)}`;
  return row.source === undefined ? `${head} }` : `${head},\n      source: ${quote(row.source)} }`;
}
