import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { serveDirectory } from './loopback.js';
import { runfileScript } from './cuda-runfile.js';

// A stand-in for developer.download.nvidia.com, laid out as NVIDIA lays out each CUDA release:
//   /nvidia/compute/cuda/<release>/local_installers/<runfile>   the runfile (tests/e2e/cuda-runfile.ts)
//   /nvidia/compute/cuda/<release>/docs/sidebar/md5sum.txt      `<md5>  <file>` lines, one per installer of the release
//   /tampered/…                                                 the same files, with md5sum.txt giving a wrong md5
//   /unlisted/…                                                 the same files, with md5sum.txt not listing the runfile
// Runfile names are those of recipes/data/cuda.yaml. NVIDIA's md5sum.txt lists every installer of the release
// (Linux x86_64 and sbsa runfiles, Windows installers); the others' lines here hold the md5 of their names, as
// placeholders, and come first, so the runfile's digest is found by its name and not by its place.

const CUDA_DATA = fileURLToPath(new URL('../../recipes/data/cuda.yaml', import.meta.url));

// The runfile name of a release, from recipes/data/cuda.yaml.
export function runfileOf(release: string): string {
  const data = parse(readFileSync(CUDA_DATA, 'utf8')) as { releases: { version: string; file: string }[] };
  const row = data.releases.find((r) => r.version === release);
  if (!row) throw new Error(`recipes/data/cuda.yaml has no release ${release}`);
  return row.file;
}

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

// The other installers NVIDIA lists beside the Linux x86_64 runfile (names as on the release's download pages).
function siblings(runfile: string): string[] {
  const base = runfile.replace(/_linux\.run$/, '');
  return [`${base}_linux_sbsa.run`, `${base.split('_').slice(0, 2).join('_')}_windows.exe`];
}

// The md5sum.txt of a release: the other installers first, then the runfile with `digest` (none: not listed).
function md5sums(runfile: string, digest: string | undefined): string {
  return [...siblings(runfile).map((f) => `${md5(f)}  ${f}`), ...(digest ? [`${digest}  ${runfile}`] : []), ''].join('\n');
}

// Write the stand-in site for `releases` (X.Y.Z) under `dir`; returns each runfile's real md5.
export function writeNvidiaSite(dir: string, releases: string[]): Map<string, string> {
  const digests = new Map<string, string>();
  for (const release of releases) {
    const runfile = runfileOf(release);
    const script = runfileScript(release);
    const digest = md5(script);
    digests.set(release, digest);
    for (const [root, listed] of [['nvidia', digest], ['tampered', md5(`${script}tampered`)], ['unlisted', undefined]] as const) {
      const base = join(dir, root, 'compute', 'cuda', release);
      mkdirSync(join(base, 'local_installers'), { recursive: true });
      mkdirSync(join(base, 'docs', 'sidebar'), { recursive: true });
      writeFileSync(join(base, 'local_installers', runfile), script);
      writeFileSync(join(base, 'docs', 'sidebar', 'md5sum.txt'), md5sums(runfile, listed));
    }
  }
  return digests;
}

// Write the site into `dir` and serve it on loopback; `digests` holds each runfile's md5.
export async function serveNvidia(dir: string, releases: string[]): Promise<Awaited<ReturnType<typeof serveDirectory>> & { digests: Map<string, string> }> {
  const digests = writeNvidiaSite(dir, releases);
  return Object.assign(await serveDirectory(dir), { digests });
}

// A --mirror profile sending developer.download.nvidia.com to the stand-in (`root`: nvidia, tampered or unlisted).
export function nvidiaMirror(url: string, root: 'nvidia' | 'tampered' | 'unlisted' = 'nvidia'): string {
  return [
    `name: loopback-${root}`,
    `summary: stand-in developer.download.nvidia.com on loopback (${root})`,
    'source: tests/e2e/cuda-nvidia.ts',
    'rewrite:',
    `  - { from: "https://developer.download.nvidia.com/", to: "${url}/${root}/" }`,
    '',
  ].join('\n');
}
