import { closure } from './closure.js';

// One package dpkg has installed, with what it depends on (each a list of alternatives) and the names it provides.
export interface InstalledPackage {
  version: string;
  arch: string;
  depends: string[][];
  provides: string[];
}

// Shell listing every installed package: name, status, version, architecture, Pre-Depends and Depends, Provides.
export const DPKG_INSTALLED = `dpkg-query -W -f='\${Package}\\t\${db:Status-Status}\\t\${Version}\\t\${Architecture}\\t\${Pre-Depends}, \${Depends}\\t\${Provides}\\n' 2>/dev/null; true`;

// The package names of a dpkg relation field ("libc6 (>= 2.34), awk | mawk:any" → [["libc6"], ["awk", "mawk"]]).
function relations(field: string): string[][] {
  return field.split(',').map((group) => group.split('|').map((alt) => alt.trim().replace(/\s*\(.*\)$/, '').replace(/:.*/, '')).filter(Boolean)).filter((g) => g.length);
}

// The installed packages from DPKG_INSTALLED's lines (a package of two architectures: the first line of it).
export function parseInstalled(lines: readonly string[][]): Map<string, InstalledPackage> {
  const found = new Map<string, InstalledPackage>();
  for (const [name, state, version, arch, depends = '', provides = ''] of lines) {
    if (state !== 'installed' || !name || !version || !arch || found.has(name)) continue;
    found.set(name, { version, arch, depends: relations(depends), provides: relations(provides).flat() });
  }
  return found;
}

// The installed packages these need, directly or not, by name (each alternative that is installed, or that an installed
// package provides), with what each of them needs among them; the packages asked for first.
export function neededBy(names: readonly string[], installed: ReadonlyMap<string, InstalledPackage>): Map<string, string[]> {
  const providers = new Map<string, string[]>();
  for (const [name, p] of installed) for (const v of p.provides) providers.set(v, [...(providers.get(v) ?? []), name]);
  const resolve = (n: string) => (installed.has(n) ? [n] : (providers.get(n) ?? []));
  const needs = closure(names.filter((n) => installed.has(n)), (name) =>
    [...new Set(installed.get(name)!.depends.flatMap((group) => group.flatMap(resolve)))].filter((d) => d !== name).sort());
  return new Map([...needs].map(([n, deps]) => [n, [...deps]]));
}
