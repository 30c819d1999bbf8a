import { fetchText } from '../run/fetch.js';

// An index page lists every file of a project (torch's hold thousands of links); anything larger is not one.
const MAX_PAGE_BYTES = 32 * 1024 * 1024;
const PAGE_TIMEOUT_MS = 60_000;
// Index pages fetched at once.
const PARALLEL = 8;

// The project and version a distribution file's name carries (a wheel's first two fields, an sdist's name and its last
// field), the project as PEP 503 normalizes it; undefined for other files.
function fileNameParts(file: string): { project: string; version: string } | undefined {
  const norm = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();
  if (file.endsWith('.whl')) {
    const [project, version] = file.split('-');
    return project && version ? { project: norm(project), version } : undefined;
  }
  const stem = /^(.*)-([^-]+)\.(tar\.gz|tar\.bz2|tgz|zip)$/.exec(file);
  return stem ? { project: norm(stem[1]!), version: stem[2]! } : undefined;
}

// Versions as equal as PEP 440 makes them for these spellings: case and a leading "v" do not count.
const same = (a: string, b: string) => a.toLowerCase().replace(/^v/, '') === b.toLowerCase().replace(/^v/, '');

// The sha256 of each file of `version` a PEP 503 page lists (from its links' #sha256= fragments), sorted; of `project`'s
// files only, when given (a flat page of --find-links lists many projects').
export function hashesOnPage(html: string, version: string, project?: string): string[] {
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
    const parts = fileNameParts(file);
    if (sha && parts && same(parts.version, version) && (project === undefined || parts.project === project)) found.add(sha.toLowerCase());
  }
  return [...found].sort();
}

// Where a pip step finds distributions: PEP 503 indexes (INDEX/NAME/ lists a project's files) and --find-links pages
// (one page listing the files of many projects).
export interface PipSources {
  indexes: readonly string[];
  links: readonly string[];
}

// The sha256 of the files of a project's version on the first page that lists any: its page on each index, then each
// find-links page (each page read once per call of indexHashes: `read`).
async function hashesOf(sources: PipSources, name: string, version: string, read: (url: string) => Promise<string>): Promise<string[]> {
  const pages = [...sources.indexes.map((i) => ({ url: `${i.replace(/\/+$/, '')}/${name}/`, project: undefined })), ...sources.links.filter((l) => /^https?:\/\//.test(l)).map((url) => ({ url, project: name }))];
  for (const { url, project } of pages) {
    try {
      const hashes = hashesOnPage(await read(url), version, project);
      if (hashes.length) return hashes;
    } catch {
      // The next page may have it (an extra index, a find-links page, or a mirror's upstream).
    }
  }
  return [];
}

// The sha256 of the files each distribution's version has on the first of the sources that lists it; a distribution
// none of them lists (or none can be read) has none. At most PARALLEL pages are fetched at once.
export async function indexHashes(sources: PipSources, wanted: ReadonlyMap<string, string>): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const pages = new Map<string, Promise<string>>();
  const read = (url: string) => {
    if (!pages.has(url)) pages.set(url, fetchText(url, MAX_PAGE_BYTES, { timeoutMs: PAGE_TIMEOUT_MS }));
    return pages.get(url)!;
  };
  const queue = [...wanted];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, version] = next;
      const hashes = await hashesOf(sources, name, version, read);
      if (hashes.length) found.set(name, hashes);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return found;
}
