// The builds a page offers: its final Linux x86_64 wheels of one project, by version, and how the data files write them.
import { wheelNames } from './index-pages.mjs';

// A distribution name normalized for comparison (PEP 427: runs of -, _ and . become _).
function distName(name) {
  return name.toLowerCase().replace(/[-_.]+/g, '_');
}

// The parts of a wheel file name (PEP 427): distribution, version, local label, python, abi and platform tags.
function parseWheel(file) {
  const parts = file.replace(/\.whl$/, '').split('-');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [dist, fullVersion] = parts;
  const [py, abi, platform] = parts.slice(-3);
  const [version, local = ''] = fullVersion.split('+');
  return { dist: distName(dist), version, local, py, abi, platform };
}

// Whether a platform tag (possibly compressed, a.b) names Linux on x86_64 (linux_x86_64, manylinux*_x86_64).
function isLinuxX86(platform) {
  return platform.split('.').some((tag) => /^(many)?linux[0-9_]*_x86_64$/.test(tag));
}

// Whether a version is a final release (no dev, pre or post part).
function isFinal(version) {
  return /^\d+(\.\d+)+$/.test(version);
}

// The CPython 3 minor of a wheel's tags, or null for free-threaded (cp3XXt) and non-CPython wheels.
function cpythonMinor(wheel) {
  const match = /^cp3(\d+)$/.exec(wheel.py);
  if (!match || /t$/.test(wheel.abi)) return null;
  return Number(match[1]);
}

// The builds on one page: version → { variants, minors } of `project`'s final Linux x86_64 wheels (variantOf: build or null).
export function collectBuilds(html, project, variantOf) {
  const dist = distName(project);
  const builds = new Map();
  for (const file of wheelNames(html)) {
    const wheel = parseWheel(file);
    if (!wheel || wheel.dist !== dist || !isFinal(wheel.version) || !isLinuxX86(wheel.platform)) continue;
    const variant = variantOf(wheel);
    if (variant === null) continue;
    const build = builds.get(wheel.version) ?? { variants: new Set(), minors: new Set() };
    build.variants.add(variant);
    const minor = cpythonMinor(wheel);
    if (minor !== null) build.minors.add(minor);
    builds.set(wheel.version, build);
  }
  return builds;
}

// The CPython range of a set of minors, as the data files write it (">=3.10 <3.15").
export function pythonRange(minors) {
  if (minors.size === 0) return '';
  const sorted = [...minors].sort((a, b) => a - b);
  return `>=3.${sorted[0]} <3.${sorted[sorted.length - 1] + 1}`;
}

// The CUDA builds of a variant set, oldest first.
export function cudaList(variants) {
  return [...variants].filter((v) => v.startsWith('cu')).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}
