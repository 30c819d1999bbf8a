import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/facts/types.js';
import { judgeCheck } from '../../src/run/status.js';
import { makeFacts } from '../helpers/facts.js';
import { factsFile } from './boxes.js';
import { planBuiltin, planned } from './plan-of.js';

type FactsOf = ReturnType<typeof makeFacts>;
const gpu = (driver: string, compute: string, python3 = '3.10.12', names = 'NVIDIA A10') => makeFacts({ gpu: { count: 1, names, driver, compute }, python3 });
const cpu = (python3 = '3.10.12') => makeFacts({ python3 });
const box = (name: string) => JSON.parse(readFileSync(factsFile(name), 'utf8')) as Facts;

function torchOf(facts: FactsOf, sets: string[] = [], mirror?: string) {
  const r = planned(planBuiltin(['pytorch'], facts, { sets, ...(mirror ? { mirror } : {}) }), 'pytorch');
  return { recipe: r, torch: r.steps[0]?.title.replace(/^pip install (\S+) .*$/, '$1') };
}

describe('pytorch auto: the newest release with a build this driver runs (CUDA minor-version compatibility) and this GPU has kernels in', () => {
  it.each([
    ['no GPU', cpu(), 'torch==2.14.1+cpu'],
    ['470 driver, T4 (sm_75), Python 3.8: the newest release for 3.8, its CUDA 11 build', gpu('470.239.06', '7.5', '3.8.10', 'Tesla T4'), 'torch==2.4.1+cu118'],
    ['470 driver, T4 (sm_75), Python 3.10: CUDA 11 builds run on 470', gpu('470.239.06', '7.5', '3.10.12', 'Tesla T4'), 'torch==2.7.1+cu118'],
    ['470 driver, K80 (sm_37)', gpu('470.239.06', '3.7', '3.10.12', 'Tesla K80'), 'torch==2.7.1+cu118'],
    ['525.60.13, the CUDA 12 minimum', gpu('525.60.13', '8.6'), 'torch==2.14.1+cu126'],
    ['535 driver, A10 (sm_86)', gpu('535.104.05', '8.6'), 'torch==2.14.1+cu126'],
    ['535 driver, P40 (sm_61): cu126 carries sm_60, which sm_61 runs', gpu('535.183.01', '6.1', '3.10.12', 'Tesla P40'), 'torch==2.14.1+cu126'],
    ['550 driver, RTX 4090 (sm_89)', gpu('550.54.15', '8.9'), 'torch==2.14.1+cu126'],
    ['550 driver, V100 (sm_70)', gpu('550.127.05', '7.0'), 'torch==2.14.1+cu126'],
    ['570 driver, H100 (sm_90)', gpu('570.124.06', '9.0'), 'torch==2.14.1+cu126'],
    ['580 driver, H200 (sm_90): CUDA 13 builds', gpu('580.95.05', '9.0'), 'torch==2.14.1+cu132'],
    ['580 driver, GTX 1080 Ti (sm_61): no CUDA 13 build has Pascal', gpu('580.95.05', '6.1', '3.10.12', 'NVIDIA GeForce GTX 1080 Ti'), 'torch==2.14.1+cu126'],
    ['580 driver, RTX 5090 (sm_120)', gpu('580.95.05', '12.0'), 'torch==2.14.1+cu132'],
  ])('%s', (_what, facts, wanted) => {
    expect(torchOf(facts).torch).toBe(wanted);
  });

  it('says which rule chose the build', () => {
    expect(torchOf(gpu('580.95.05', '6.1')).recipe.notes).toEqual([
      'torch 2.14.1: the newest release with a build for driver 580.95.05 and sm_61 (Python 3.10.12)',
      'variant cu126: sm_61 is not in cu132 builds; sm_61 is not in cu130 builds → cu126 (driver 580.95.05 ≥ 525.60.13)',
    ]);
    expect(torchOf(gpu('535.183.01', '6.1'), ['pytorch.version=2.11.0']).recipe.notes).toEqual([
      'variant cu126: driver 535.183.01 is older than the 580 CUDA 13 builds need; sm_61 is not in cu128 builds → cu126 (driver 535.183.01 ≥ 525.60.13)',
    ]);
    expect(torchOf(gpu('470.239.06', '3.5')).recipe.notes[0]).toBe('torch 2.14.1: no CUDA build of any release for Python 3.10.12 runs here (driver 470.239.06 and sm_35); the newest release');
  });

  it('keeps a pinned version and picks its newest build that runs here', () => {
    expect(torchOf(gpu('550.54.15', '8.9'), ['pytorch.version=2.5.1']).torch).toBe('torch==2.5.1+cu124');
    expect(torchOf(gpu('535.104.05', '8.6'), ['pytorch.version=2.8.0']).torch).toBe('torch==2.8.0+cu129');
    expect(torchOf(gpu('535.104.05', '6.1'), ['pytorch.version=2.8.0']).torch).toBe('torch==2.8.0+cu126');
    expect(torchOf(gpu('550.54.15', '8.9'), ['pytorch.version=2.5.1', 'pytorch.variant=cpu']).torch).toBe('torch==2.5.1+cpu');
  });

  it('blocks a build set by hand that cannot run here, naming one that can', () => {
    expect(torchOf(gpu('535.104.05', '8.6'), ['pytorch.variant=cu130']).recipe.blocked).toBe(
      'torch 2.14.1 cu130 cannot run here: driver 535.104.05 is older than the 580 CUDA 13 builds need; variant cu126 can (or leave the variant auto)',
    );
    expect(torchOf(gpu('580.95.05', '6.1'), ['pytorch.version=2.9.1', 'pytorch.variant=cu128']).recipe.blocked).toBe(
      'torch 2.9.1 cu128 cannot run here: sm_61 is not in cu128 builds; variant cu126 can (or leave the variant auto)',
    );
    expect(torchOf(cpu(), ['pytorch.variant=cu130']).recipe.blocked).toBeUndefined();
  });

  it('uses one index for all packages, never a CPU index on a GPU box', () => {
    for (const facts of [cpu(), gpu('535.104.05', '8.6'), gpu('550.54.15', '8.9'), gpu('580.95.05', '9.0')]) {
      const script = planned(planBuiltin(['pytorch'], facts), 'pytorch').steps[0]!.script;
      expect(script.match(/--(extra-)?index-url/g)).toEqual(['--index-url']);
      expect(script).not.toMatch(/--find-links/);
      if (facts.gpu.count) expect(script).not.toMatch(/whl\/cpu|\+cpu/);
    }
  });

  it('installs PyPI\'s own build from a pip mirror only when it is the chosen build, and never PyPI\'s CUDA 13 torch on an older driver', () => {
    const same = torchOf(gpu('550.54.15', '8.9'), ['pytorch.version=2.6.0', 'pytorch.variant=cu124'], 'tuna').recipe.steps[0]!;
    expect(same.script).toContain('--index-url https://pypi.tuna.tsinghua.edu.cn/simple');
    expect(same.script).toContain('torch==2.6.0 torchvision==0.21.0 torchaudio==2.6.0');
    for (const driver of ['535.104.05', '550.54.15', '570.124.06']) {
      const step = torchOf(gpu(driver, '8.6'), [], 'tuna').recipe.steps[0]!;
      expect(step.script).toContain('torch==2.14.1+cu126');
      expect(step.script).toContain('--find-links https://mirrors.aliyun.com/pytorch-wheels/cu126/');
    }
  });

  it('releases from 2.12 have no torchaudio: it is left out, not written as an empty pin', () => {
    const step = torchOf(gpu('535.104.05', '8.6')).recipe.steps[0]!;
    expect(step.script).not.toContain('torchaudio');
    expect(torchOf(gpu('535.104.05', '8.6'), ['pytorch.version=2.11.0']).recipe.steps[0]!.script).toContain('torchaudio==2.11.0+cu128');
  });

  it('the verify that needs a real GPU runs only where there is one', () => {
    expect(torchOf(cpu()).recipe.verify).toHaveLength(1);
    expect(torchOf(cpu(), ['pytorch.variant=cu126']).recipe.verify).toHaveLength(1);
    const onGpu = torchOf(gpu('535.104.05', '8.6')).recipe.verify;
    expect(onGpu).toHaveLength(2);
    expect(onGpu[1]!.script).toContain('torch.cuda.is_available()');
  });

  it('the check reads the build from what the wheel installed: PyPI\'s unlabelled wheels satisfy it', () => {
    const check = torchOf(gpu('550.54.15', '8.9'), ['pytorch.version=2.6.0', 'pytorch.variant=cu124'], 'tuna').recipe.check!;
    expect(check.wants!.test('2.6.0+cu124')).toBe(true);
    expect(check.wants!.test('2.6.0+cpu')).toBe(false);
    expect(check.script).toContain('torch/version.py');
  });
});

describe('the recorded boxes: every GPU box gets a build that runs there, newest release first', () => {
  it.each([
    ['ubuntu-20.04-gpu-470', 'torch==2.4.1+cu118'],
    ['ubuntu-22.04-gpu-535', 'torch==2.14.1+cu126'],
    ['ubuntu-22.04-gpu-535-p40', 'torch==2.14.1+cu126'],
    ['ubuntu-22.04-gpu-550', 'torch==2.14.1+cu126'],
    ['ubuntu-22.04-gpu-550-v100', 'torch==2.14.1+cu126'],
    ['ubuntu-24.04-gpu-570', 'torch==2.14.1+cu126'],
    ['ubuntu-24.04-gpu-580', 'torch==2.14.1+cu132'],
    ['ubuntu-22.04', 'torch==2.14.1+cpu'],
  ])('%s', (name, wanted) => {
    const { recipe, torch } = torchOf(box(name));
    expect(recipe.blocked).toBeUndefined();
    expect(torch).toBe(wanted);
  });

  it('a fresh Ubuntu without python3 is planned with the Python its python3-venv recipe installs', () => {
    const plan = planBuiltin(['ml-cpu'], box('ubuntu-22.04-nopython'));
    expect(planned(plan, 'python3-venv').notes).toContain('the recipes after it are planned with python3 3.10, which it installs');
    expect(planned(plan, 'pytorch').blocked).toBeUndefined();
    expect(planned(plan, 'pytorch').notes[0]).toBe('torch 2.14.1: the newest release for Python 3.10');
  });
});

describe('paddle and faiss follow the same rules', () => {
  const title = (name: string, facts: FactsOf, sets: string[] = []) => planned(planBuiltin([name], facts, { sets }), name).steps[0]?.title;

  it('paddle auto: the newest release and build that run here; its wheels bring CUDA and cuDNN', () => {
    expect(title('paddle', cpu())).toContain('paddlepaddle==3.3.1 ');
    expect(title('paddle', gpu('535.104.05', '8.6'))).toContain('paddlepaddle-gpu==3.3.1 ');
    const step = planned(planBuiltin(['paddle'], gpu('535.104.05', '8.6')), 'paddle').steps[0]!;
    expect(step.script).toContain('--index-url https://www.paddlepaddle.org.cn/packages/stable/cu129/');
    expect(planned(planBuiltin(['paddle'], gpu('580.95.05', '9.0')), 'paddle').steps[0]!.script).toContain('/packages/stable/cu130/');
  });

  it('paddle 2.5 GPU wheels need a local CUDA and cuDNN rig does not install: auto takes the CPU build and says why; set by hand, blocked', () => {
    const auto = planned(planBuiltin(['paddle'], gpu('535.104.05', '8.6'), { sets: ['paddle.version=2.5.1'] }), 'paddle');
    expect(auto.steps[0]!.title).toContain('paddlepaddle==2.5.1 ');
    expect(auto.notes[0]).toMatch(/^variant cpu: no CUDA build of paddle 2\.5\.1 runs here \(cu120 wheels need a local CUDA 12\.0 toolkit with cuDNN 8\.9\.1, which rig does not install/);
    const forced = planned(planBuiltin(['paddle'], gpu('535.104.05', '8.6'), { sets: ['paddle.version=2.5.1', 'paddle.variant=cu118'] }), 'paddle');
    expect(forced.blocked).toBe('paddle 2.5.1 cu118 cannot run here: cu118 wheels need a local CUDA 11.8 toolkit with cuDNN 8.6.0, which rig does not install; variant cpu can (or leave the variant auto)');
  });

  it('faiss: the CUDA 12 wheel where the driver runs CUDA 12, the CUDA 11 one on 470, and the architectures of the wheel', () => {
    expect(title('faiss', cpu())).toContain('faiss-cpu==1.8.0.*');
    expect(title('faiss', gpu('470.239.06', '7.5'))).toContain('faiss-gpu-cu11==1.8.0.*');
    expect(title('faiss', gpu('535.104.05', '8.6'))).toContain('faiss-gpu-cu12==1.8.0.*');
    expect(title('faiss', gpu('535.104.05', '6.1'), ['faiss.version=1.14.1'])).toContain('faiss-cpu==1.14.1.*');
    expect(planned(planBuiltin(['faiss'], gpu('535.104.05', '6.1'), { sets: ['faiss.version=1.14.1', 'faiss.variant=cu121'] }), 'faiss').blocked).toBe(
      'faiss 1.14.1 cu121 cannot run here: sm_61 is not in cu121 builds; variant cpu can (or leave the variant auto)',
    );
  });
});

describe('cuda-toolkit installs without a driver, and by default picks a toolkit this box runs', () => {
  const cuda = (facts: FactsOf, sets: string[] = []) => planned(planBuiltin(['cuda-toolkit'], facts, { sets }), 'cuda-toolkit');

  it.each([
    ['470', gpu('470.239.06', '7.5'), '11.8.0'],
    ['535', gpu('535.104.05', '8.6'), '12.9.2'],
    ['550', gpu('550.54.15', '8.9'), '12.9.2'],
    ['580', gpu('580.95.05', '9.0'), '13.4.1'],
    ['580 with a Pascal GPU (CUDA 13 builds nothing below sm_75)', gpu('580.95.05', '6.1'), '12.9.2'],
  ])('driver %s', (_what, facts, release) => {
    const r = cuda(facts);
    expect(r.blocked).toBeUndefined();
    expect(r.check!.script).toMatch(new RegExp(`^for nvcc in /usr/local/cuda-${release.split('.').slice(0, 2).join('\\.')}/bin/nvcc `));
    expect(r.check!.wants?.text).toBe(release.split('.').slice(0, 2).join('.'));
  });

  it('never blocks on the driver: the seed\'s 12.4.1 installs on a 535 box (CUDA 12 programs run there)', () => {
    for (const driver of ['535.104.05', '550.54.14', '470.239.06']) expect(cuda(gpu(driver, '8.6'), ['cuda-toolkit.version=12.4.1']).blocked).toBeUndefined();
    expect(cuda(gpu('535.104.05', '8.6'), ['cuda-toolkit.version=12.4.1']).notes.join('\n')).not.toContain('will not run here');
    expect(cuda(gpu('470.239.06', '7.5'), ['cuda-toolkit.version=12.4.1']).notes).toContain(
      'CUDA 12.4.1 installs, but driver 470.239.06 is older than the 525.60.13 programs built with CUDA 12 need: what it builds will not run here',
    );
  });

  it('says which toolkit its check found, and where, when it is another than the one wanted', () => {
    const nvcc = (release: string) => readFileSync(new URL(`../fixtures/nvcc/${release}.txt`, import.meta.url), 'utf8');
    const check = cuda(gpu('580.95.05', '9.0')).check!;
    expect(judgeCheck(check, 0, `nvcc at /usr/local/cuda-12.9/bin/nvcc\n${nvcc('12.9.2')}`).detail).toBe('found 12.9 at /usr/local/cuda-12.9, wants 13.4');
    expect(judgeCheck(check, 0, `nvcc at /usr/local/cuda-13.4/bin/nvcc\n${nvcc('13.4.1')}`)).toMatchObject({ state: 'satisfied', at: '/usr/local/cuda-13.4' });
  });

  it('installs on a machine without a GPU (a build box)', () => {
    expect(cuda(cpu()).blocked).toBeUndefined();
  });

  it('method network only for releases the distro\'s NVIDIA repository carries', () => {
    const focal = makeFacts({ os: { id: 'ubuntu', version: '20.04', codename: 'focal', like: 'debian', name: 'Ubuntu 20.04' }, gpu: { count: 1, names: 'NVIDIA A10', driver: '580.95.05', compute: '8.6' } });
    const r = cuda(focal, ['cuda-toolkit.method=network', 'cuda-toolkit.version=13.0.2']);
    expect(r.blocked).toBe(
      "CUDA 13.0.2 is not in NVIDIA's ubuntu2004 repository: it has 11.8.0 to 12.9.2, and version auto picks 12.9.2, the newest release whose programs driver 580.95.05 runs and that builds for sm_86; or use method runfile, which has 13.0.2",
    );
    expect(cuda(focal, ['cuda-toolkit.method=network']).check!.script).toMatch(/cuda-12\.\d\/bin\/nvcc/);
  });

  it('method network where data/distros.yaml names no NVIDIA repository: blocked, naming the runfile\'s pick', () => {
    const trixie = makeFacts({ os: { id: 'debian', version: '13', codename: 'trixie', like: '', name: 'Debian GNU/Linux 13 (trixie)' } });
    expect(cuda(trixie, ['cuda-toolkit.method=network']).blocked).toBe('data/distros.yaml names no NVIDIA repository for trixie; use method runfile, where version auto picks 13.4.1, the newest');
    expect(cuda(trixie, ['cuda-toolkit.method=network', 'cuda-toolkit.version=12.4.1']).blocked).toBe('data/distros.yaml names no NVIDIA repository for trixie; use method runfile, which has CUDA 12.4.1');
  });
});

describe('gcc names the versions the release\'s archive has', () => {
  const gcc = (codename: string, version: string) =>
    planned(planBuiltin(['gcc'], makeFacts({ os: { id: 'debian', version: '12', codename, like: '', name: codename } }), { sets: [`gcc.version=${version}`] }), 'gcc').blocked;

  it('lists them when the one asked for is not there, and says so when the release is not in data/distros.yaml', () => {
    expect(gcc('bookworm', '99')).toBe('gcc-99 is not in the bookworm archive; bookworm has 11, 12; choose one with --set gcc.version=N');
    expect(gcc('bookworm', '12')).toBeUndefined();
    expect(gcc('plucky', '12')).toBe('data/distros.yaml does not say which gcc-N packages the plucky archive has (its gcc table lists them by release)');
  });
});
