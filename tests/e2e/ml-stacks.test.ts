import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podmanOk, UBUNTU_IMAGES } from './podman.js';
import { serveNvidia } from './cuda-nvidia.js';
import { expectNoop, expectOk, labSkipReason, standInLab } from './lab.js';
import { mirrorProfile, serveIndexes } from './wheels.js';

// `rig apply ml-cpu` (toolchain, venv, CPU PyTorch, transformers, Jupyter, graphviz, matplotlib with Chinese fonts) with
// real apt and real pip in real Ubuntu containers without a GPU, against the stand-in PyPI / download.pytorch.org indexes
// on loopback (tests/e2e/wheels.ts, reached through a --mirror profile, which pip-mirror also writes into pip.conf;
// apt-mirror is skipped: the profile names no apt mirror). torch is pinned to 2.11.0 and transformers to 4.57.1, the
// releases the stand-ins carry; everything else is what pip resolves on that box's Python from the recorded metadata.
// ml-gpu runs on a recorded GPU box (tests/fixtures/nvidia-smi), its CUDA toolkit from a stand-in NVIDIA site
// (tests/e2e/cuda-nvidia.ts).

const VENV = '/root/.venvs/ml';
const PINS = ['--set', 'pytorch.version=2.11.0', '--set', 'transformers.version=4.57.1'];

const skipReason = labSkipReason('ML stack suite', [UBUNTU_IMAGES.jammy, UBUNTU_IMAGES.noble]);

// Each box: its image, its Python, and the IPython pip picks there (IPython 9 needs Python 3.11).
const BOXES = [
  { title: 'Ubuntu 22.04, no GPU', image: UBUNTU_IMAGES.jammy, python: '3.10', ipython: '8.37.0' },
  { title: 'Ubuntu 24.04, no GPU', image: UBUNTU_IMAGES.noble, python: '3.12', ipython: '9.7.0' },
];

// What the probe reports of the venv: pip check, installed distributions, torch's build, `jupyter --version`.
interface Probe { python: string; check: number; checkOut: string; have: Record<string, string>; cuda: string | null; jupyter: string; fonts: boolean }
const PROBE = [
  'import glob, importlib, importlib.util, json, subprocess, sys, importlib.metadata as m, torch',
  'run = lambda *a: subprocess.run(a, capture_output=True, text=True)',
  'chk = run(sys.executable, "-m", "pip", "check")',
  'have = {d.metadata["Name"].lower().replace("_", "-"): d.version for d in m.distributions()}',
  'mpl = importlib.import_module("matplotlib") if importlib.util.find_spec("matplotlib") else None',
  'cache = "".join(open(f).read() for f in glob.glob(mpl.get_cachedir() + "/fontlist-*.json")) if mpl else ""',
  `print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "check": chk.returncode, "checkOut": chk.stdout + chk.stderr, "have": have, "cuda": torch.version.cuda, "jupyter": run("${VENV}/bin/jupyter", "--version").stdout, "fonts": "WenQuanYi Zen Hei" in cache}))`,
].join('\n');

describe.skipIf(skipReason)('rig apply ml-cpu and ml-gpu in Ubuntu containers, from stand-in indexes', () => {
  const lab = standInLab('ml-stacks', serveIndexes, mirrorProfile);

  const apply = (args: string[]) => lab.apply(['ml-cpu', ...PINS, ...args]);

  for (const box of BOXES) {
    describe(box.title, () => {
      let kept: string | undefined;

      it('installs; every check and verify passes; pip check is clean; the cpu torch build; jupyter --version lists notebook', async () => {
        const res = await apply(['--target', `podman:${box.image}`, '--keep']);
        kept = lab.keep(res);
        expectOk(res);
        expect(kept, res.stderr).toBeDefined();
        const out = JSON.parse(await podmanOk(['exec', kept!, `${VENV}/bin/python`, '-c', PROBE])) as Probe;
        expect(out.python).toBe(box.python);
        expect(out.check, out.checkOut).toBe(0);
        for (const d of ['jupyter', 'notebook', 'ipywidgets', 'graphviz', 'matplotlib', 'seaborn', 'torch', 'transformers']) expect(out.have, d).toHaveProperty(d);
        expect(out.have.torch).toBe('2.11.0+cpu');
        expect(out.cuda, 'torch.version.cuda of the cpu build').toBeNull();
        expect(out.have.transformers).toBe('4.57.1');
        expect(out.have.ipython, 'the IPython this Python takes').toBe(box.ipython);
        expect(out.jupyter).toMatch(/^notebook\s+: 7\.5\.0$/m);
        // matplotlib's font cache (written by the verify's first import of font_manager) knows the apt-installed CJK font.
        expect(out.fonts).toBe(true);
      }, 1_200_000);

      it('a second apply in that container runs nothing: every recipe satisfied', async () => {
        expect(kept).toBeDefined();
        expectNoop(await apply(['--target', `container:${kept}`]));
      }, 300_000);
    });
  }

  // ml-gpu on the most common GPU box: the CUDA toolkit from a stand-in NVIDIA site, torch's build for this driver and GPU.
  describe('Ubuntu 22.04, NVIDIA A10 on driver 535: ml-gpu', () => {
    let kept: string | undefined;
    let nvidia: Awaited<ReturnType<typeof serveNvidia>>;
    let gpuMirror: string;
    const applyGpu = (args: string[]) => lab.apply(['ml-gpu', ...PINS, ...args], { mirror: gpuMirror });

    beforeAll(async () => {
      nvidia = await serveNvidia(join(lab.dir, 'nvidia'), ['12.9.2']);
      // The wheel indexes' profile, and one more rewrite: developer.download.nvidia.com to the stand-in site.
      gpuMirror = lab.write('loopback-gpu.yaml', `${mirrorProfile(lab.server.url)}  - { from: "https://developer.download.nvidia.com/", to: "${nvidia.url}/nvidia/" }\n`);
    }, 180_000);

    afterAll(() => nvidia?.close());

    it('installs the CUDA toolkit the driver runs and torch\'s cu128 build; every check and verify passes; pip check is clean', async () => {
      const res = await applyGpu(['--target', `podman:${await lab.boxes.imageOf(UBUNTU_IMAGES.jammy, 'driver-535-a10.txt')}`, '--keep']);
      kept = lab.keep(res);
      expect(res.code, `${res.stdout.slice(-6000)}\n${res.stderr}`).toBe(0);
      const out = JSON.parse(await podmanOk(['exec', kept!, `${VENV}/bin/python`, '-c', PROBE])) as Probe;
      expect(out.check, out.checkOut).toBe(0);
      for (const d of ['jupyter', 'notebook', 'ipywidgets', 'graphviz', 'torch', 'transformers']) expect(out.have, d).toHaveProperty(d);
      expect(out.have.torch).toBe('2.11.0+cu128');
      expect(out.cuda).toBe('12.8');
      expect(await podmanOk(['exec', kept!, 'bash', '-lc', 'nvcc -V'])).toMatch(/release 12\.9, V12\.9\.86/);
    }, 1_200_000);

    it('a second apply in that container runs nothing', async () => {
      expect(kept).toBeDefined();
      expectNoop(await applyGpu(['--target', `container:${kept}`]));
    }, 300_000);
  });
});
