import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { serveDirectory } from './loopback.js';

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
// The modules answer what rig's checks and verifies read: torch.__version__, torch.version.cuda,
// torch.cuda.is_available() (true only for a CUDA build when nvidia-smi reports a driver and a GPU that build runs),
// torch.cuda.get_arch_list(); paddle.utils.run_check(); faiss.IndexFlatL2; numpy.zeros; each package's __version__.

export const RECORDS = fileURLToPath(new URL('../fixtures/wheels/distributions.yaml', import.meta.url));
// Debian's real pip, setuptools and wheel wheels (python3-pip-whl, …), served on the PyPI index too.
const DEBIAN_WHEELS = '/usr/share/python-wheels';

type Requires = string[];
interface TorchBuild { tag: string; cuda?: string; requires?: string; arch?: string[] }
interface TorchRelease {
  version: string; requiresPython: string; requires: Requires; torchvision: string; torchaudio: string;
  pypi: { build: string; tag: string }; builds: Record<string, TorchBuild>;
}
interface Dist { name: string; version: string; python?: string; tag?: string; pythons?: string[]; abi3?: boolean; requires?: Requires }
interface PaddleGpu { cuda: string; version?: string; on: 'pypi' | 'index' | 'links'; requires?: Requires }
interface PaddleRelease { version: string; pythons: string[]; tag: string; requires: Requires; gpu: Record<string, PaddleGpu> }
interface Records {
  cudaRequires: Record<string, Requires>; torch: TorchRelease[]; distributions: Dist[]; paddle: PaddleRelease[];
  nvidiaRequires: Record<string, string[]>;
}

// One wheel to build: its file name, metadata and files (path → text).
interface WheelSpec { file: string; name: string; version: string; requiresPython?: string; requires: Requires; tag: string; files: Record<string, string> }

// Where one wheel is listed: index (a PEP 503 index root, or a flat find-links directory) and project.
interface Listing { index: string; flat?: boolean }

export function loadRecords(): Records {
  return parse(readFileSync(RECORDS, 'utf8')) as Records;
}

const CPYTHONS = ['cp37', 'cp38', 'cp39', 'cp310', 'cp311', 'cp312', 'cp313', 'cp314'];
const minor = (cp: string) => Number(cp.slice(3));
// The CPython tags a Requires-Python like ">=3.10" or "<3.15,>=3.10" admits.
function pythonsFor(requiresPython = '>=3.8'): string[] {
  const low = /(?:^|,)\s*>=\s*3\.(\d+)/.exec(requiresPython)?.[1];
  const high = /(?:^|,)\s*<\s*3\.(\d+)/.exec(requiresPython)?.[1];
  return CPYTHONS.filter((cp) => minor(cp) >= Number(low ?? 8) && minor(cp) < Number(high ?? 99));
}

const normal = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const fileName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');
const requirementName = (req: string) => normal(/^[A-Za-z0-9._-]+/.exec(req.trim())![0]);

// Wheel file names, one per Python tag: cpXY-cpXY-<platform> or cp39-abi3-<platform>, or py3-none-any when pure.
function tagsOf(d: { tag?: string; pythons?: string[]; abi3?: boolean; python?: string }): string[] {
  if (!d.tag) return ['py3-none-any'];
  if (d.abi3) return [`${pythonsFor(d.python)[0] ?? 'cp39'}-abi3-${d.tag}`];
  return (d.pythons ?? pythonsFor(d.python)).map((cp) => `${cp}-${cp}-${d.tag}`);
}

// The importable package a distribution provides and its __init__.py.
function modules(name: string, version: string): Record<string, string> {
  const n = normal(name);
  const v = `__version__ = ${JSON.stringify(version)}\n`;
  const nv = /^nvidia-(.+?)(-cu\d+)?$/.exec(n);
  if (nv) return { [`nvidia/${nv[1]!.replace(/-/g, '_')}/__init__.py`]: v };
  switch (n) {
    case 'pillow': return { 'PIL/__init__.py': v };
    case 'pyyaml': return { 'yaml/__init__.py': v };
    case 'protobuf': return { 'google/protobuf/__init__.py': v };
    case 'typing-extensions': return { 'typing_extensions.py': v };
    case 'decorator': return { 'decorator.py': v };
    case 'numpy': return { 'numpy/__init__.py': NUMPY(version) };
    case 'faiss-cpu': return { 'faiss/__init__.py': FAISS(version, false) };
    case 'faiss-gpu-cu12': return { 'faiss/__init__.py': FAISS(version, true) };
    default: return { [`${fileName(n)}/__init__.py`]: v };
  }
}

// Reads the GPUs nvidia-smi reports: [(name, driver, (major, minor) or None)], [] without a working nvidia-smi.
const PY_GPUS = `
import shutil as _shutil, subprocess as _subprocess

# Compute capabilities of GPUs whose driver cannot report compute_cap (470 and older).
_CAPS = {"Tesla T4": (7, 5), "Tesla P40": (6, 1), "Tesla P100-PCIE-16GB": (6, 0), "Tesla V100-SXM2-16GB": (7, 0), "Tesla K80": (3, 7)}

def _gpus():
    smi = _shutil.which("nvidia-smi")
    if not smi:
        return []
    def ask(fields):
        r = _subprocess.run([smi, "--query-gpu=" + fields, "--format=csv,noheader"], capture_output=True, text=True)
        return [l.split(", ") for l in r.stdout.splitlines() if l.strip()] if r.returncode == 0 else None
    rows = ask("name,driver_version,compute_cap")
    if rows is None:
        rows = [r + [""] for r in (ask("name,driver_version") or [])]
    out = []
    for name, driver, cap in rows:
        c = tuple(int(x) for x in cap.split(".")) if cap else _CAPS.get(name)
        out.append((name, driver, c))
    return out

def _vt(v):
    return tuple(int(x) for x in v.split("."))
`;

// torch/__init__.py, torch/version.py and torch/cuda/__init__.py of one build (cuda '' for cpu).
function torchFiles(version: string, cuda: string, arch: string[]): Record<string, string> {
  return {
    'torch/__init__.py': `__version__ = ${JSON.stringify(version)}\nfrom . import version, cuda\n`,
    'torch/version.py': `__version__ = ${JSON.stringify(version)}\ncuda = ${cuda ? JSON.stringify(cuda) : 'None'}\ngit_version = "0000000"\nhip = None\n`,
    'torch/cuda/__init__.py': `${PY_GPUS}
from .. import version as _version

# The oldest driver each CUDA major runs on under CUDA minor version compatibility (NVIDIA CUDA Compatibility guide).
_MIN_DRIVER = {11: "450.80.02", 12: "525.60.13", 13: "580.65.06"}
_ARCH = ${JSON.stringify(arch)}

def get_arch_list():
    return list(_ARCH) if _version.cuda else []

def _runs(gpu):
    name, driver, cap = gpu
    need = _MIN_DRIVER.get(int(_version.cuda.split(".")[0]))
    if not need or _vt(driver) < _vt(need) or cap is None:
        return False
    # A cubin for sm_XY runs on GPUs of major X and minor >= Y.
    return any(a.startswith("sm_") and int(a[3:-1]) == cap[0] and int(a[-1]) <= cap[1] for a in _ARCH)

def _usable():
    return [g for g in _gpus() if _runs(g)] if _version.cuda else []

def is_available():
    return bool(_usable())

def device_count():
    return len(_usable())

def get_device_name(i=0):
    return _usable()[i][0]

def get_device_capability(i=0):
    return _usable()[i][2]
`,
  };
}

function NUMPY(version: string): string {
  return `__version__ = ${JSON.stringify(version)}
float32 = "float32"
float64 = "float64"

class ndarray:
    def __init__(self, shape, dtype):
        self.shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        self.dtype = dtype

def zeros(shape, dtype=float64):
    return ndarray(shape, dtype)

def ones(shape, dtype=float64):
    return ndarray(shape, dtype)
`;
}

function FAISS(version: string, gpu: boolean): string {
  return `${gpu ? PY_GPUS : ''}__version__ = ${JSON.stringify(version)}

class IndexFlatL2:
    def __init__(self, d):
        self.d = d
        self.ntotal = 0

    def add(self, x):
        if len(x.shape) != 2 or x.shape[1] != self.d:
            raise AssertionError("x.shape[1] == self.d")
        self.ntotal += x.shape[0]

def get_num_gpus():
    return ${gpu ? 'len(_gpus())' : '0'}
`;
}

function paddleFiles(version: string, cuda: string): Record<string, string> {
  return {
    'paddle/__init__.py': `__version__ = ${JSON.stringify(version)}\nfrom . import version, utils, device\n`,
    'paddle/version/__init__.py': `full_version = ${JSON.stringify(version)}\n\ndef cuda():\n    return ${cuda ? JSON.stringify(cuda) : '"False"'}\n\ndef show():\n    print("full_version:", full_version)\n    print("cuda:", cuda())\n`,
    'paddle/device/__init__.py': `${PY_GPUS}
def is_compiled_with_cuda():
    return ${cuda ? 'True' : 'False'}

def get_device():
    return "gpu:0" if is_compiled_with_cuda() and _gpus() else "cpu"
`,
    'paddle/utils/__init__.py': `from .. import device as _device

def run_check():
    print("Running verify PaddlePaddle program ... ")
    if _device.is_compiled_with_cuda():
        if not _device._gpus():
            raise RuntimeError("(PreconditionNotMet) Cannot load cudnn shared library. Cannot invoke method cudnnGetVersion.")
        print("PaddlePaddle works well on 1 GPU.")
    else:
        print("PaddlePaddle works well on 1 CPU.")
    print("PaddlePaddle is installed successfully! Let's start deep learning with PaddlePaddle now.")
`,
  };
}

// Builds the wheels with the host's python3 (zipfile), RECORD with each file's sha256 and size.
const BUILDER = String.raw`
import base64, hashlib, json, os, sys, zipfile
out = sys.argv[1]
for w in json.load(sys.stdin):
    dist = w["file"].split("-")[0] + "-" + w["version"]
    info = dist + ".dist-info"
    meta = ["Metadata-Version: 2.1", "Name: " + w["name"], "Version: " + w["version"], "Summary: stand-in of " + w["name"] + " " + w["version"]]
    if w.get("requiresPython"):
        meta.append("Requires-Python: " + w["requiresPython"])
    meta += ["Requires-Dist: " + r for r in w["requires"]]
    files = dict(w["files"])
    files[info + "/METADATA"] = "\n".join(meta) + "\n\n"
    files[info + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: rig-tests\nRoot-Is-Purelib: " + ("true" if w["tag"] == "py3-none-any" else "false") + "\n" + "".join("Tag: %s\n" % t for t in w["tags"])
    files[info + "/top_level.txt"] = "\n".join(sorted({p.split("/")[0].replace(".py", "") for p in w["files"]})) + "\n"
    record = []
    path = os.path.join(out, w["file"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            data = files[name].encode()
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
        record.append(info + "/RECORD,,")
        z.writestr(zipfile.ZipInfo(info + "/RECORD", (2020, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
`;

// Every wheel of the records, with where each is listed.
function plan(records: Records): { wheel: WheelSpec & { tags: string[] }; at: Listing[] }[] {
  const out: { wheel: WheelSpec & { tags: string[] }; at: Listing[] }[] = [];
  const add = (name: string, version: string, tags: string[], requires: Requires, files: Record<string, string>, at: Listing[], requiresPython?: string) => {
    for (const tag of tags) {
      const file = `${fileName(name)}-${version}-${tag}.whl`;
      out.push({ wheel: { file, name, version, requires, tag, tags: [tag], files, ...(requiresPython ? { requiresPython } : {}) }, at });
    }
  };
  const variants = new Set<string>();
  for (const t of records.torch) for (const v of Object.keys(t.builds)) variants.add(v);
  const paddleVariants = new Set<string>(['cpu']);
  for (const p of records.paddle) for (const [v, g] of Object.entries(p.gpu)) if (g.on === 'index') paddleVariants.add(v);
  // Dependencies are on PyPI and on every download.pytorch.org and Paddle index.
  const everywhere: Listing[] = [{ index: 'pypi/simple' }, ...[...variants].map((v) => ({ index: `whl/${v}` })), ...[...paddleVariants].map((v) => ({ index: `paddle/${v}` }))];

  // The nvidia-* runtime wheels every pin names, each requiring the libraries NVIDIA's own wheels require.
  const pins = new Map<string, string>();
  for (const set of Object.values(records.cudaRequires)) for (const r of set) if (r.startsWith('nvidia-')) pins.set(r, r);
  for (const p of records.paddle) for (const g of Object.values(p.gpu)) for (const r of g.requires ?? []) pins.set(r, r);
  const nvidiaNames = new Set([...pins.keys()].map((r) => requirementName(r)));
  for (const r of pins.keys()) {
    const [name, version] = r.split('==') as [string, string];
    const m = /^(nvidia-[a-z-]+?)(-cu\d+)?$/.exec(name)!;
    const suffix = m[2] ?? '';
    const deps = (records.nvidiaRequires[m[1]!] ?? []).map((d) => (nvidiaNames.has(`${d}${suffix}`) ? `${d}${suffix}` : d)).filter((d) => nvidiaNames.has(d));
    if (out.some((o) => o.wheel.name === name && o.wheel.version === version)) continue;
    add(name, version, ['py3-none-manylinux2014_x86_64'], deps, modules(name, version), everywhere);
  }
  for (const d of records.distributions) add(d.name, d.version, tagsOf(d), d.requires ?? [], modules(d.name, d.version), everywhere, d.python);

  for (const t of records.torch) {
    const pys = pythonsFor(t.requiresPython);
    const vision = (local: string) => [`torch==${t.version}`, 'numpy', 'pillow!=8.3.*,>=5.3.0'].map((r) => (local && r.startsWith('torch==') ? `${r}${local}` : r));
    const audio = (local: string) => [`torch==${t.version}${local}`];
    const build = (b: TorchBuild, local: string, at: Listing[]) => {
      const v = `${t.version}${local}`;
      const req = [...t.requires, ...(b.requires ? records.cudaRequires[b.requires]!.map((r) => `${r}; platform_system == "Linux" and platform_machine == "x86_64"`) : [])];
      const tags = pys.map((cp) => `${cp}-${cp}-${b.tag}`);
      add('torch', v, tags, req, torchFiles(v, b.cuda ?? '', b.arch ?? []), at, t.requiresPython);
      const tv = `${t.torchvision}${local}`;
      add('torchvision', tv, tags, vision(local), { 'torchvision/__init__.py': `__version__ = ${JSON.stringify(tv)}\n` }, at, t.requiresPython);
      const ta = `${t.torchaudio}${local}`;
      add('torchaudio', ta, tags, audio(local), { 'torchaudio/__init__.py': `__version__ = ${JSON.stringify(ta)}\n` }, at, t.requiresPython);
    };
    build({ ...t.builds[t.pypi.build]!, tag: t.pypi.tag }, '', [{ index: 'pypi/simple' }]);
    for (const [variant, b] of Object.entries(t.builds)) build(b, `+${variant}`, [{ index: `whl/${variant}` }, { index: `torch/${variant}`, flat: true }]);
  }

  for (const p of records.paddle) {
    const tags = p.pythons.map((cp) => `${cp}-${cp}-${p.tag}`);
    add('paddlepaddle', p.version, tags, p.requires, paddleFiles(p.version, ''), [{ index: 'pypi/simple' }, { index: 'paddle/cpu' }]);
    for (const [variant, g] of Object.entries(p.gpu)) {
      const v = g.version ?? p.version;
      const at: Listing[] = g.on === 'pypi' ? [{ index: 'pypi/simple' }] : g.on === 'index' ? [{ index: `paddle/${variant}` }] : [{ index: 'paddle-whl/linux/mkl/avx/stable.html', flat: true }];
      add('paddlepaddle-gpu', v, tags, [...p.requires, ...(g.requires ?? [])], paddleFiles(v, g.cuda), at);
    }
  }
  return out;
}

const page = (links: string[]) => `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const href = (path: string) => path.split('/').map((s) => encodeURIComponent(s)).join('/');

// Build every wheel into `dir`/files and lay out the indexes under `dir`; returns the projects of each index.
export function buildIndexes(dir: string, records: Records = loadRecords()): Map<string, string[]> {
  const files = join(dir, 'files');
  mkdirSync(files, { recursive: true });
  const wheels = plan(records);
  execFileSync('python3', ['-c', BUILDER, files], { input: JSON.stringify(wheels.map((w) => w.wheel)), stdio: ['pipe', 'inherit', 'inherit'] });
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
