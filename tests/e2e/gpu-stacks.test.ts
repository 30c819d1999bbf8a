import { describe, expect, it } from 'vitest';
import { podmanOk, UBUNTU_IMAGES } from './podman.js';
import { eventsOf, expectNoop, expectOk, labSkipReason, standInLab } from './lab.js';
import { mirrorProfile, serveIndexes } from './wheels.js';

// `rig apply pytorch` with real pip in real Ubuntu containers, against stand-in PyPI / download.pytorch.org indexes on
// loopback (tests/e2e/wheels.ts, reached through a --mirror profile) and a stand-in nvidia-smi answering as a
// recorded box does (tests/fixtures/nvidia-smi). Each box is an image of its own: the Ubuntu image plus
// /usr/bin/nvidia-smi and its answers. torch is pinned to 2.11.0 (its wheels' metadata is recorded, and it has
// cpu, cu126, cu128 and cu130 builds); the build is left to rig: the newest one the driver and GPU run, cpu without a GPU.
// (Which release auto picks is the planner's, tested on every recorded box in tests/recipes/variants.test.ts.)

const TORCH = '2.11.0';
const VENV = '/root/.venvs/ml';

const skipReason = labSkipReason('GPU stack suite', Object.values(UBUNTU_IMAGES));

interface Box {
  title: string;
  image: string;
  python: string;
  answers?: string;
  // torch.version.cuda of the right build (null: the cpu build), and whether torch.cuda.is_available() there.
  cuda: RegExp | null;
  gpu: boolean;
}

const BOXES: Box[] = [
  { title: 'Ubuntu 22.04 without a GPU: the cpu build', image: UBUNTU_IMAGES.jammy, python: '3.10', cuda: null, gpu: false },
  // CUDA 12.x builds run on any 525+ driver (minor version compatibility); cu130 needs 580+.
  { title: 'Ubuntu 22.04, NVIDIA A10 (sm_86) on driver 535: the cu128 build, never cu130', image: UBUNTU_IMAGES.jammy, python: '3.10', answers: 'driver-535-a10.txt', cuda: /^12\.8$/, gpu: true },
  // Pascal: the cu128 and cu130 builds have no sm_6x kernels; the cu126 build has sm_60, which runs on sm_61.
  { title: 'Ubuntu 22.04, Tesla P40 (sm_61) on driver 535: a build with Pascal kernels (cu126)', image: UBUNTU_IMAGES.jammy, python: '3.10', answers: 'driver-535-p40.txt', cuda: /^12\.6$/, gpu: true },
  { title: 'Ubuntu 24.04, NVIDIA H200 (sm_90) on driver 580: the cu130 build', image: UBUNTU_IMAGES.noble, python: '3.12', answers: 'driver-580-h200.txt', cuda: /^13\.0$/, gpu: true },
];

describe.skipIf(skipReason)('rig apply pytorch in Ubuntu containers, from stand-in PyTorch indexes', () => {
  const lab = standInLab('gpu-stacks', serveIndexes, mirrorProfile);

  // The box's image: the Ubuntu image with the stand-in nvidia-smi and that box's answers (made once per run).
  const imageOf = (box: Box) => lab.boxes.imageOf(box.image, box.answers);

  const apply = (args: string[]) => lab.apply(['pytorch', '--set', `pytorch.version=${TORCH}`, ...args]);

  for (const box of BOXES) {
    describe(box.title, () => {
      let kept: string | undefined;

      it('installs, its check and verify pass; pip check is clean; torch is the right build', async () => {
        const image = await imageOf(box);
        const res = await apply(['--target', `podman:${image}`, '--keep']);
        kept = lab.keep(res);
        expectOk(res);
        expect(kept, res.stderr).toBeDefined();
        const probe = [
          'import json, subprocess, sys, torch, torchvision, torchaudio',
          'chk = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)',
          'print(json.dumps({"check": chk.returncode, "checkOut": chk.stdout + chk.stderr, "version": torch.__version__, "cuda": torch.version.cuda, "gpu": torch.cuda.is_available(), "python": "%d.%d" % sys.version_info[:2], "vision": torchvision.__version__}))',
        ].join('\n');
        const out = JSON.parse(await podmanOk(['exec', kept!, `${VENV}/bin/python`, '-c', probe])) as { check: number; checkOut: string; version: string; cuda: string | null; gpu: boolean; python: string; vision: string };
        expect(out.python).toBe(box.python);
        expect(out.check, out.checkOut).toBe(0);
        expect(out.version.split('+')[0]).toBe(TORCH);
        if (box.cuda) expect(out.cuda, `torch ${out.version} is built for CUDA ${out.cuda}`).toMatch(box.cuda);
        else expect(out.cuda, `torch ${out.version} is built for CUDA ${out.cuda}`).toBeNull();
        expect(out.gpu, `torch ${out.version} (CUDA ${out.cuda}) torch.cuda.is_available()`).toBe(box.gpu);
        // torchvision is the build of the same index: the same local label.
        expect(out.vision.split('+')[1] ?? '').toBe(out.version.split('+')[1] ?? '');
      }, 600_000);

      it('a second apply in that container runs nothing: every recipe satisfied', async () => {
        expect(kept).toBeDefined();
        expectNoop(await apply(['--target', `container:${kept}`]));
      }, 180_000);
    });
  }

  // Several frameworks in one box: each pip step keeps what the other recipes of its venv installed (VENV/.rig-constraints).
  const PINS = ['pytorch.version=2.11.0', 'paddle.version=3.0.0', 'faiss.version=1.12.0', 'transformers.version=4.57.1'];
  const pinsOf = (recipes: string[]) => PINS.filter((p) => recipes.includes(p.split('.')[0]!)).flatMap((p) => ['--set', p]);
  const applyMany = (recipes: string[], args: string[]) => lab.apply([...recipes, ...pinsOf(recipes), ...args]);
  // pip check of a venv in a container, and whether each distribution is installed there.
  async function venvOf(container: string, venv: string, dists: string[]): Promise<{ check: number; out: string; have: boolean[] }> {
    const probe = [
      'import json, subprocess, sys, importlib.metadata as m',
      'chk = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)',
      'have = {d.metadata["Name"].lower() for d in m.distributions()}',
      'print(json.dumps({"check": chk.returncode, "out": chk.stdout + chk.stderr, "have": [n in have for n in sys.argv[1:]]}))',
    ].join('\n');
    return JSON.parse(await podmanOk(['exec', container, `${venv}/bin/python`, '-c', probe, ...dists])) as { check: number; out: string; have: boolean[] };
  }

  it('no GPU: torch, Paddle, faiss and transformers in one venv; pip check clean; a second apply runs nothing', async () => {
    const stack = ['pytorch', 'paddle', 'faiss', 'transformers'];
    const res = await applyMany(stack, ['--target', `podman:${await imageOf(BOXES[0]!)}`, '--keep']);
    const name = lab.keep(res);
    expectOk(res);
    const venv = await venvOf(name!, VENV, ['torch', 'paddlepaddle', 'faiss-cpu', 'transformers']);
    expect(venv.check, venv.out).toBe(0);
    expect(venv.have).toEqual([true, true, true, true]);
    expectNoop(await applyMany(stack, ['--target', `container:${name}`]));
  }, 900_000);

  it('A10 on 535: GPU torch, faiss and transformers in one venv and GPU Paddle in its own; Paddle into torch\'s venv is refused, torch intact', async () => {
    const res = await applyMany(['pytorch', 'faiss', 'transformers', 'paddle'], ['--set', 'paddle.venv=/root/.venvs/paddle', '--target', `podman:${await imageOf(BOXES[1]!)}`, '--keep']);
    const name = lab.keep(res);
    expectOk(res);
    const ml = await venvOf(name!, VENV, ['torch', 'faiss-gpu-cu12', 'transformers']);
    expect(ml.check, ml.out).toBe(0);
    expect(ml.have).toEqual([true, true, true]);
    const paddle = await venvOf(name!, '/root/.venvs/paddle', ['paddlepaddle-gpu']);
    expect(paddle.check, paddle.out).toBe(0);
    expect(paddle.have).toEqual([true]);
    // torch's cu128 build pins nvidia-*-cu12 12.8 libraries and Paddle's cu126 build 12.6 ones: they cannot share a venv.
    const mixed = await applyMany(['paddle'], ['--target', `container:${name}`]);
    expect(mixed.code).toBe(1);
    const fail = eventsOf(mixed.stdout, 'step-fail')[0]!;
    expect(fail).toMatchObject({ id: 'paddle' });
    expect((fail.tail as string[]).join('\n')).toMatch(/ResolutionImpossible|conflict/i);
    expect((fail.hints as string[]).join('\n')).toContain('install it into a venv of its own');
    const after = await venvOf(name!, VENV, ['torch', 'paddlepaddle-gpu']);
    expect(after.check, after.out).toBe(0);
    expect(after.have).toEqual([true, false]);
  }, 900_000);
});
