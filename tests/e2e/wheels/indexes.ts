import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDirectory } from '../loopback.js';
import { normal } from './names.js';
import { plan, type Listing } from './plan.js';
import { loadRecords, type Records } from './records.js';
import { writeWheels } from './wheel-file.js';

// Stand-in wheels of the distributions the GPU stacks install (tests/fixtures/wheels/distributions.yaml): real
// installable .whl files (a zip with the package's modules, a .dist-info with METADATA, WHEEL and RECORD) whose
// names, versions, tags, Requires-Python and Requires-Dist are the published ones, laid out as the indexes that
// serve them, so that real pip resolves them as it would the real ones:
//   /pypi/simple/<project>/           PyPI (plain torch is its one CUDA build; paddlepaddle CPU, paddlepaddle-gpu cu118 of 2.5/2.6)
//   /whl/<variant>/<project>/         download.pytorch.org/whl/<variant> (also as /whl/<variant>/simple/<project>/):
//                                     torch, torchvision, torchaudio +<variant>, with every dependency
//   /torch/<variant>/                 a flat find-links directory of those +<variant> wheels (a PyTorch wheel mirror)
//   /paddle/<variant>/<project>/      www.paddlepaddle.org.cn/packages/stable/<variant> (also .../simple/<project>/), with dependencies
//   /paddle-whl/linux/mkl/avx/stable.html  Paddle's 2.5 find-links page (.postXYZ wheels)

// Debian's real pip, setuptools and wheel wheels (python3-pip-whl, …), served on the PyPI index too.
const DEBIAN_WHEELS = '/usr/share/python-wheels';

const page = (links: string[]) => `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const href = (path: string) => path.split('/').map((s) => encodeURIComponent(s)).join('/');

// Build every wheel into `dir`/files and lay out the indexes under `dir`; returns the projects of each index.
function buildIndexes(dir: string, records: Records = loadRecords()): Map<string, string[]> {
  const files = join(dir, 'files');
  mkdirSync(files, { recursive: true });
  const wheels = plan(records);
  writeWheels(files, wheels.map((w) => w.wheel));
  // Debian's real pip, setuptools and wheel: what a venv on Python 3.12 fetches for torch's "setuptools; python_version >= '3.12'".
  const debian = existsSync(DEBIAN_WHEELS) ? readdirSync(DEBIAN_WHEELS).filter((f) => f.endsWith('.whl')) : [];
  for (const f of debian) linkSync(join(DEBIAN_WHEELS, f), join(files, f));
  const listed = [...wheels.map((w) => ({ file: w.wheel.file, project: normal(w.wheel.name), at: w.at })), ...debian.map((f) => ({ file: f, project: normal(f.split('-')[0]!), at: [{ index: 'pypi/simple' }] as Listing[] }))];

  const indexes = new Map<string, Map<string, string[]>>();
  for (const w of listed) {
    for (const at of w.at) {
      const projects = indexes.get(at.index) ?? new Map<string, string[]>();
      indexes.set(at.index, projects);
      projects.set(at.flat ? '' : w.project, [...(projects.get(at.flat ? '' : w.project) ?? []), w.file]);
    }
  }
  const digests = new Map<string, string>();
  const link = (base: string, file: string) => {
    // Each index holds its own copy (a hard link) of the files it lists, as a mirror does.
    const local = join(dir, base, file);
    if (!existsSync(local)) linkSync(join(files, file), local);
    if (!digests.has(file)) digests.set(file, sha256(local));
    return `<a href="/${href(`${base}/${file}`)}#sha256=${digests.get(file)}">${file}</a><br>`;
  };
  const result = new Map<string, string[]>();
  for (const [index, projects] of indexes) {
    if (projects.has('')) {
      // A flat find-links page: a directory listing (or a named .html page) of wheels.
      const htmlFile = index.endsWith('.html') ? join(dir, index) : join(dir, index, 'index.html');
      const base = index.endsWith('.html') ? index.slice(0, index.lastIndexOf('/')) : index;
      mkdirSync(join(dir, base), { recursive: true });
      writeFileSync(htmlFile, page(projects.get('')!.sort().map((f) => link(base, f))));
      result.set(index, projects.get('')!);
      continue;
    }
    const names = [...projects.keys()].sort();
    mkdirSync(join(dir, index), { recursive: true });
    for (const [project, list] of projects) {
      const html = page([...new Set(list)].sort().map((f) => link(index, f)));
      for (const root of index.endsWith('/simple') ? [index] : [index, `${index}/simple`]) {
        mkdirSync(join(dir, root, project), { recursive: true });
        writeFileSync(join(dir, root, project, 'index.html'), html);
      }
    }
    for (const root of index.endsWith('/simple') ? [index] : [index, `${index}/simple`]) {
      writeFileSync(join(dir, root, 'index.html'), page(names.map((p) => `<a href="${p}/">${p}</a><br>`)));
    }
    result.set(index, names);
  }
  return result;
}

// Build the indexes into `dir` and serve them on loopback; `url` is the server's root.
export async function serveIndexes(dir: string, records?: Records): Promise<Awaited<ReturnType<typeof serveDirectory>> & { indexes: Map<string, string[]> }> {
  const indexes = buildIndexes(dir, records);
  const server = await serveDirectory(dir);
  return Object.assign(server, { indexes });
}

// A --mirror profile pointing pip, PyPI's torch and PyTorch's and Paddle's indexes at `url` (a serveIndexes root).
export function mirrorProfile(url: string): string {
  return [
    'name: loopback',
    'summary: stand-in PyPI, PyTorch and Paddle indexes on loopback',
    'source: tests/e2e/wheels.ts',
    'values:',
    `  pip: ${url}/pypi/simple`,
    `  pytorchWheels: ${url}/torch`,
    'rewrite:',
    `  - { from: "https://download.pytorch.org/whl/", to: "${url}/whl/" }`,
    `  - { from: "https://www.paddlepaddle.org.cn/packages/stable/", to: "${url}/paddle/" }`,
    `  - { from: "https://www.paddlepaddle.org.cn/whl/", to: "${url}/paddle-whl/" }`,
    '',
  ].join('\n');
}
