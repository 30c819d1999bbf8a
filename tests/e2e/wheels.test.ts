import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveIndexes } from './wheels.js';

// The stand-in wheels and their indexes, with the host's real pip (no container): each stack resolves, pip check is
// clean, and the stand-in modules answer as rig's verifies expect.
const venvWorks = spawnSync('python3', ['-c', 'import venv, ensurepip, zipfile']).status === 0;
const skipReason = venvWorks ? undefined : 'python3 with venv and ensurepip is needed (apt-get install python3-venv)';
if (skipReason && process.env.CI) throw new Error(`the stand-in wheel suite is required in CI, and cannot run: ${skipReason}`);

describe.skipIf(skipReason)('stand-in wheels served as PyPI, PyTorch and Paddle indexes', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof serveIndexes>>;
  const venvs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rig-wheels-'));
    server = await serveIndexes(join(dir, 'www'));
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A fresh venv (the host's pip, no network), `pip install args`, then `pip check` and `python -c code`.
  async function install(args: string[], code: string, env: Record<string, string> = {}) {
    const venv = join(dir, `venv-${venvs.length}`);
    venvs.push(venv);
    await execa('python3', ['-m', 'venv', venv]);
    const pip = await execa(`${venv}/bin/python`, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-cache-dir', ...args], { reject: false, all: true, env: { PIP_CONFIG_FILE: '/dev/null' } });
    expect(pip.exitCode, pip.all).toBe(0);
    const check = await execa(`${venv}/bin/python`, ['-m', 'pip', 'check'], { reject: false, all: true });
    expect(check.exitCode, check.all).toBe(0);
    const run = await execa(`${venv}/bin/python`, ['-c', code], { reject: false, all: true, env: { PATH: `${dir}/bin:/usr/bin:/bin`, ...env } });
    expect(run.exitCode, run.all).toBe(0);
    return run.stdout.trim();
  }

  it('lays out PyPI, download.pytorch.org, find-links and Paddle indexes', () => {
    expect(server.indexes.get('pypi/simple')).toEqual(expect.arrayContaining(['torch', 'torchvision', 'torchaudio', 'nvidia-cudnn-cu12', 'numpy', 'paddlepaddle', 'faiss-cpu', 'transformers', 'setuptools']));
    expect(server.indexes.get('whl/cu128')).toEqual(expect.arrayContaining(['torch', 'torchvision', 'torchaudio', 'nvidia-cublas-cu12', 'filelock']));
    expect(server.indexes.get('torch/cu126')).toContain('torch-2.9.0+cu126-cp310-cp310-manylinux_2_28_x86_64.whl');
    expect(server.indexes.get('paddle/cu126')).toContain('paddlepaddle-gpu');
  });

  it("PyPI's plain torch 2.9.0 is the cu128 build, with its nvidia-*-cu12 requirements", async () => {
    const out = await install(['--index-url', `${server.url}/pypi/simple`, 'torch==2.9.0', 'torchvision==0.24.0', 'torchaudio==2.9.0'],
      'import torch, torchvision, torchaudio, importlib.metadata as m; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), m.version("nvidia-cudnn-cu12"))');
    expect(out).toBe('2.9.0 12.8 False 9.10.2.21');
    expect(server.hits).toContain('/pypi/simple/nvidia-cusparselt-cu12/');
  }, 120_000);

  it('a +cu126 build from the find-links directory with the rest from PyPI runs on an A10 with driver 535', async () => {
    const bin = join(dir, 'bin');
    await execa('mkdir', ['-p', bin]);
    await execa('cp', [new URL('../fixtures/nvidia-smi/nvidia-smi', import.meta.url).pathname, bin]);
    const box = new URL('../fixtures/nvidia-smi/driver-535-a10.txt', import.meta.url).pathname;
    const out = await install(['--index-url', `${server.url}/pypi/simple`, '--find-links', `${server.url}/torch/cu126/`, 'torch==2.9.0+cu126', 'torchvision==0.24.0+cu126'],
      'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), torch.cuda.get_device_capability())', { NVIDIA_SMI_BOX: box });
    expect(out).toBe('2.9.0+cu126 12.6 True (8, 6)');
  }, 120_000);

  it("download.pytorch.org's cu130 index alone; the build does not run on driver 535", async () => {
    const box = new URL('../fixtures/nvidia-smi/driver-535-a10.txt', import.meta.url).pathname;
    writeFileSync(join(dir, 'box'), box);
    const out = await install(['--index-url', `${server.url}/whl/cu130`, 'torch==2.9.0+cu130'],
      'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available())', { NVIDIA_SMI_BOX: box });
    expect(out).toBe('2.9.0+cu130 13.0 False');
  }, 120_000);

  it('paddlepaddle 3.0.0 (cpu index), faiss-cpu and transformers resolve and answer their verifies', async () => {
    const out = await install(['--index-url', `${server.url}/paddle/cpu/`, 'paddlepaddle==3.0.0', 'faiss-cpu==1.12.*', 'transformers'],
      'import paddle, faiss, numpy as np, transformers; paddle.utils.run_check(); i = faiss.IndexFlatL2(4); i.add(np.zeros((1, 4), dtype="float32")); print(i.ntotal, transformers.__version__)');
    expect(out).toContain('PaddlePaddle is installed successfully!');
    expect(out).toMatch(/^1 4\.57\.1$/m);
  }, 120_000);

  it('paddlepaddle-gpu 2.6.2.post120 from the cu120 index with numpy<2', async () => {
    const out = await install(['--index-url', `${server.url}/paddle/cu120/`, 'paddlepaddle-gpu==2.6.2.post120', 'numpy<2'], 'import paddle, numpy; print(paddle.__version__, paddle.version.cuda(), numpy.__version__)');
    expect(out).toBe('2.6.2.post120 12.0 1.26.4');
  }, 120_000);
});
