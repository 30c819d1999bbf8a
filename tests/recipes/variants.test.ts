import { describe, expect, it } from 'vitest';
import { makeFacts } from '../helpers/facts.js';
import { planBuiltin, planned } from './plan-of.js';

const gpu = (driver: string, python3 = '3.10.12') => makeFacts({ gpu: { count: 1, names: 'NVIDIA A10', driver }, python3 });
const cpu = (python3 = '3.10.12') => makeFacts({ python3 });

function torch(facts: ReturnType<typeof makeFacts>, sets: string[] = []): string {
  const step = planned(planBuiltin(['pytorch'], facts, { sets }), 'pytorch').steps[0]!;
  return step.title.replace(/^pip install (\S+) .*$/, '$1');
}

describe('pytorch variant auto', () => {
  it.each([
    ['no GPU', cpu(), 'torch==2.9.0+cpu'],
    ['driver 470 (older than every CUDA build)', gpu('470.239.06', '3.8.10'), 'torch==2.4.1+cpu'],
    ['driver 525.60.13 (CUDA 11.8 builds only)', gpu('525.60.13'), 'torch==2.7.1+cu118'],
    ['driver 535.104.05', gpu('535.104.05'), 'torch==2.5.1+cu121'],
    ['driver 550.54.14, exactly what cu124 needs', gpu('550.54.14'), 'torch==2.6.0+cu124'],
    ['driver 550.54.15 (the seed box)', gpu('550.54.15'), 'torch==2.6.0+cu124'],
    ['driver 560.35.05', gpu('560.35.05'), 'torch==2.9.0+cu126'],
    ['driver 570.124.06', gpu('570.124.06'), 'torch==2.9.0+cu128'],
    ['driver 580.82.07', gpu('580.82.07'), 'torch==2.9.0+cu130'],
  ])('%s', (_what, facts, wanted) => {
    expect(torch(facts)).toBe(wanted);
  });

  it('keeps a pinned version and picks its newest build the driver runs', () => {
    expect(torch(gpu('550.54.15'), ['pytorch.version=2.5.1'])).toBe('torch==2.5.1+cu124');
    expect(torch(gpu('535.104.05'), ['pytorch.version=2.5.1'])).toBe('torch==2.5.1+cu121');
    expect(torch(gpu('550.54.15'), ['pytorch.version=2.5.1', 'pytorch.variant=cpu'])).toBe('torch==2.5.1+cpu');
  });

  it('explains the choice in the plan', () => {
    const notes = planned(planBuiltin(['pytorch'], gpu('550.54.15'), { sets: ['pytorch.version=2.5.1'] }), 'pytorch').notes;
    expect(notes).toContain('variant cu124: driver 550.54.15 ≥ 550.54.14 (the newest CUDA build of torch 2.5.1 this driver runs)');
  });

  it('uses one index for all three packages, never a CPU index on a GPU box', () => {
    for (const facts of [cpu(), gpu('535.104.05'), gpu('550.54.15'), gpu('570.124.06')]) {
      const script = planned(planBuiltin(['pytorch'], facts), 'pytorch').steps[0]!.script;
      expect(script.match(/--(extra-)?index-url/g)).toEqual(['--index-url']);
      expect(script).not.toMatch(/--find-links/);
      if (facts.gpu.count) expect(script).not.toMatch(/whl\/cpu|\+cpu/);
    }
  });

  it('installs PyPI\'s own build from a pip mirror when it is the chosen variant', () => {
    const step = planned(planBuiltin(['pytorch'], gpu('550.54.15'), { sets: ['pytorch.version=2.5.1'], mirror: 'tuna' }), 'pytorch').steps[0]!;
    expect(step.script).toContain('--index-url https://pypi.tuna.tsinghua.edu.cn/simple');
    expect(step.script).toContain('torch==2.5.1 torchvision==0.20.1 torchaudio==2.5.1');
  });
});

describe('other auto variants', () => {
  const title = (name: string, facts: ReturnType<typeof makeFacts>) => planned(planBuiltin([name], facts), name).steps[0]!.title;

  it('paddle: the newest CUDA build the driver runs, cpu otherwise', () => {
    expect(title('paddle', cpu())).toContain('paddlepaddle==2.5.1');
    expect(title('paddle', gpu('520.61.05'))).toContain('paddlepaddle-gpu==2.5.1 ');
    expect(title('paddle', gpu('550.54.15'))).toContain('paddlepaddle-gpu==2.5.1.post120');
    expect(title('paddle', gpu('470.239.06'))).toContain('paddlepaddle==2.5.1');
  });

  it('faiss: faiss-gpu-cu12 needs a CUDA 12.1 driver', () => {
    expect(title('faiss', cpu())).toContain('faiss-cpu==1.8.0.*');
    expect(title('faiss', gpu('525.60.13'))).toContain('faiss-gpu-cu11==1.8.0.*');
    expect(title('faiss', gpu('535.104.05'))).toContain('faiss-gpu-cu12==1.8.0.*');
  });

  it('faiss refuses a CUDA 12 wheel it was told to use on an older driver', () => {
    const r = planned(planBuiltin(['faiss'], gpu('525.60.13'), { sets: ['faiss.variant=cu121'] }), 'faiss');
    expect(r.blocked).toMatch(/^faiss-gpu-cu12 needs NVIDIA driver 530\.30\.02 or newer/);
  });
});

describe('cuda-toolkit minimum driver', () => {
  it.each([
    ['550.54.15', undefined],
    ['560.35.05', undefined],
    ['550.54.14', 'CUDA 12.4.1 needs NVIDIA driver 550.54.15 or newer'],
    ['535.104.05', 'CUDA 12.4.1 needs NVIDIA driver 550.54.15 or newer'],
    ['470.239.06', 'CUDA 12.4.1 needs NVIDIA driver 550.54.15 or newer'],
  ])('driver %s', (driver, refusal) => {
    const r = planned(planBuiltin(['cuda-toolkit'], gpu(driver)), 'cuda-toolkit');
    if (refusal) expect(r.blocked).toContain(refusal);
    else expect(r.blocked).toBeUndefined();
  });

  it('installs the toolkit alone on a machine without a GPU (a build box)', () => {
    expect(planned(planBuiltin(['cuda-toolkit'], cpu()), 'cuda-toolkit').blocked).toBeUndefined();
  });

  it('takes the minimum of the release asked for', () => {
    const r = planned(planBuiltin(['cuda-toolkit'], gpu('535.104.05'), { sets: ['cuda-toolkit.version=12.2.2'] }), 'cuda-toolkit');
    expect(r.blocked).toBeUndefined();
  });
});
