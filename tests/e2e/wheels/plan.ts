import { paddleFiles, torchFiles } from './frameworks.js';
import { modules, scriptsOf } from './modules.js';
import { fileName, pythonsFor, requirementName, tagsOf } from './names.js';
import type { Records, Requires, TorchBuild } from './records.js';
import type { WheelSpec } from './wheel-file.js';

// Where one wheel is listed: index (a PEP 503 index root, or a flat find-links directory) and project.
export interface Listing { index: string; flat?: boolean }
// One wheel to build and where it is listed.
export interface Planned { wheel: WheelSpec; at: Listing[] }

// Every wheel of the records, with where each is listed.
export function plan(records: Records): Planned[] {
  const out: Planned[] = [];
  const add = (name: string, version: string, tags: string[], requires: Requires, files: Record<string, string>, at: Listing[], requiresPython?: string, scripts?: Record<string, string>) => {
    for (const tag of tags) {
      const file = `${fileName(name)}-${version}-${tag}.whl`;
      out.push({ wheel: { file, name, version, requires, tag, tags: [tag], files, ...(requiresPython ? { requiresPython } : {}), ...(scripts ? { scripts } : {}) }, at });
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
  for (const d of records.distributions) add(d.name, d.version, tagsOf(d), d.requires ?? [], modules(d.name, d.version), everywhere, d.python, scriptsOf(d.name));

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
