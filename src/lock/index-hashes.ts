import { fetchText } from '../run/fetch.js';

// An index page lists every file of a project (torch's hold thousands of links); anything larger is not one.
const MAX_PAGE_BYTES = 32 * 1024 * 1024;
const PAGE_TIMEOUT_MS = 60_000;
// Index pages fetched at once.
const PARALLEL = 8;

// The version a distribution file's name carries: a wheel's second field, an sdist's last; undefined for other files.
function versionOfFile(file: string): string | undefined {
  if (file.endsWith('.whl')) return file.split('-')[1];
  const stem = /^(.*)\.(tar\.gz|tar\.bz2|tgz|zip)$/.exec(file)?.[1];
  return stem?.slice(stem.lastIndexOf('-') + 1);
}

// Versions as equal as PEP 440 makes them for these spellings: case and a leading "v" do not count.
const same = (a: string, b: string) => a.toLowerCase().replace(/^v/, '') === b.toLowerCase().replace(/^v/, '');

// The sha256 of each file of `version` a PEP 503 page lists (from its links' #sha256= fragments), sorted.
export function hashesOnPage(html: string, version: string): string[] {
  const found = new Set<string>();
  for (const [, href] of html.matchAll(/<a\s[^>]*?href\s*=\s*["']([^"']+)["']/gi)) {
    const [path, fragment = ''] = href!.replaceAll('&amp;', '&').split('#');
    const sha = /(?:^|&)sha256=([0-9a-f]{64})(?:&|$)/i.exec(fragment)?.[1];
    let file: string;
    try {
      file = decodeURIComponent(path!.split('?')[0]!.split('/').pop()!);
    } catch {
      continue;
    }
    const v = versionOfFile(file);
    if (sha && v !== undefined && same(v, version)) found.add(sha.toLowerCase());
  }
  return [...found].sort();
}

// The sha256 of the files of a project's version on the first index whose page (PEP 503: INDEX/NAME/) lists any.
async function hashesOf(indexes: readonly string[], name: string, version: string): Promise<string[]> {
  for (const index of indexes) {
    try {
      const hashes = hashesOnPage(await fetchText(`${index.replace(/\/+$/, '')}/${name}/`, MAX_PAGE_BYTES, { timeoutMs: PAGE_TIMEOUT_MS }), version);
      if (hashes.length) return hashes;
    } catch {
      // The next index may have it (an extra index, or a mirror's upstream).
    }
  }
  return [];
}

// The sha256 of the files each distribution's version has on the first of `indexes` that lists it; a distribution none
// of them lists (or none can be read) has none. At most PARALLEL pages are fetched at once.
export async function indexHashes(indexes: readonly string[], wanted: ReadonlyMap<string, string>): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const queue = [...wanted];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, version] = next;
      const hashes = await hashesOf(indexes, name, version);
      if (hashes.length) found.set(name, hashes);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return found;
}
