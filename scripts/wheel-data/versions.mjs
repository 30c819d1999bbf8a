// Dotted release versions: comparing them, their MAJOR.MINOR, and the newest patch of each minor.

// Compares two dotted versions numerically.
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff) return diff;
  }
  return 0;
}

// MAJOR.MINOR of a version.
export function minorOf(version) {
  return version.split('.').slice(0, 2).join('.');
}

// Whether a version is at or above a MAJOR.MINOR floor.
export function atLeast(version, floor) {
  return compareVersions(minorOf(version), floor) >= 0;
}

// The newest patch of each minor among versions, newest first.
export function newestPatches(versions) {
  const newest = new Map();
  for (const version of versions) {
    const minor = minorOf(version);
    if (!newest.has(minor) || compareVersions(version, newest.get(minor)) > 0) newest.set(minor, version);
  }
  return [...newest.values()].sort((a, b) => compareVersions(b, a));
}
