import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// Where the records of the stand-in wheels are: the published names, versions, tags and requirements of what the GPU stacks install.
const RECORDS = fileURLToPath(new URL('../../fixtures/wheels/distributions.yaml', import.meta.url));

// A list of Requires-Dist lines.
export type Requires = string[];
// One PyTorch build (cpu, cu118, …): its platform tag, CUDA version, cudaRequires set and compiled architectures.
export interface TorchBuild { tag: string; cuda?: string; requires?: string; arch?: string[] }
// One torch release with its torchvision and torchaudio, its PyPI build and its download.pytorch.org builds.
export interface TorchRelease {
  version: string; requiresPython: string; requires: Requires; torchvision: string; torchaudio: string;
  pypi: { build: string; tag: string }; builds: Record<string, TorchBuild>;
}
// One plain distribution, listed on every index.
export interface Dist { name: string; version: string; python?: string; tag?: string; pythons?: string[]; abi3?: boolean; requires?: Requires }
// One paddlepaddle-gpu build and where it is published (PyPI, Paddle's index, or Paddle's find-links page).
export interface PaddleGpu { cuda: string; version?: string; on: 'pypi' | 'index' | 'links'; requires?: Requires }
// One paddlepaddle release with its GPU builds.
export interface PaddleRelease { version: string; pythons: string[]; tag: string; requires: Requires; gpu: Record<string, PaddleGpu> }
// The whole of distributions.yaml.
export interface Records {
  cudaRequires: Record<string, Requires>; torch: TorchRelease[]; distributions: Dist[]; paddle: PaddleRelease[];
  nvidiaRequires: Record<string, string[]>;
}

// Reads distributions.yaml.
export function loadRecords(): Records {
  return parse(readFileSync(RECORDS, 'utf8')) as Records;
}
