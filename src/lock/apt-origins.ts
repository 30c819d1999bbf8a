import { shjoin } from '../shell/quote.js';

// Shell printing apt's package files with their Release fields, a line "--", then the version table of each package.
export function aptPolicyScript(names: readonly string[]): string {
  return `LANG=C apt-cache policy 2>/dev/null; echo --; LANG=C apt-cache policy ${shjoin(names)} 2>/dev/null; true`;
}

// A package file as both parts of apt-cache policy name it ("500 http://deb.debian.org/debian bookworm/main amd64
// Packages" → "http://deb.debian.org/debian bookworm/main amd64 Packages"); undefined for any other line.
function sourceKey(line: string): string | undefined {
  const m = /^\s+-?\d+ (\S.*\S)$/.exec(line);
  return m && !/^(release|origin) /.test(m[1]!) && !m[1]!.startsWith('/') ? m[1] : undefined;
}

// Each package file's archive, named the same whatever host serves it (a mirror serves the same Release file): the
// origin its Release file gives and the suite and component the sources name ("Ubuntu jammy-updates/main"; Ubuntu's
// Release gives every pocket the codename "jammy", Debian's a suite that moves, "stable"); for a flat repository, its
// label or suite.
function archives(files: readonly string[]): Map<string, string> {
  const named = new Map<string, string>();
  for (let i = 0; i < files.length; i++) {
    const key = sourceKey(files[i]!);
    const release = /^\s+release (.*)$/.exec(files[i + 1] ?? '')?.[1];
    if (!key || !release) continue;
    const field = Object.fromEntries(release.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const words = key.split(/\s+/);
    const suite = words.length === 4 ? words[1] : field.l || field.a;
    const name = [field.o, suite].filter(Boolean).join(' ');
    if (name) named.set(key, name);
  }
  return named;
}

// The archives that offer each package's installed version, sorted, from aptPolicyScript's output; a package none
// offers (only dpkg has it: superseded, or no package lists) is left out.
export function installedFrom(output: string): Map<string, string[]> {
  const [files = '', tables = ''] = output.split(/^--$/m);
  const named = archives(files.split('\n'));
  const from = new Map<string, string[]>();
  let name: string | undefined;
  let installed = false;
  for (const line of tables.split('\n')) {
    const header = /^(\S+):$/.exec(line);
    if (header) [name, installed] = [header[1]!.replace(/:.*/, ''), false];
    else if (/^ {5}\S| \*\*\* /.test(line)) installed = line.startsWith(' *** ');
    else if (name && installed) {
      const key = sourceKey(line);
      const archive = key && named.get(key);
      if (archive) from.set(name, [...new Set([...(from.get(name) ?? []), archive])].sort());
    }
  }
  return from;
}
