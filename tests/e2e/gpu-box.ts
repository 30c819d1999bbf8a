import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { podmanOk } from './podman.js';

// Images of recorded GPU boxes: an Ubuntu image plus the stand-in nvidia-smi (tests/fixtures/nvidia-smi) as
// /usr/bin/nvidia-smi and that box's answers as /etc/nvidia-smi/box.txt, built the way gpu-stacks.test.ts builds them.

const NVIDIA_SMI = fileURLToPath(new URL('../fixtures/nvidia-smi/', import.meta.url));

// Builds box images under `dir` (one build context each), tagged with `run`; `images` lists those built, to remove.
export function gpuBoxes(dir: string, run: string): { imageOf(image: string, answers?: string): Promise<string>; images: string[] } {
  const images: string[] = [];
  async function imageOf(image: string, answers?: string): Promise<string> {
    if (!answers) return image;
    const tag = `${image}-${answers.replace(/\.txt$/, '')}:${run}`;
    if (images.includes(tag)) return tag;
    const context = join(dir, `ctx-${images.length}`);
    mkdirSync(context, { recursive: true });
    copyFileSync(join(NVIDIA_SMI, 'nvidia-smi'), join(context, 'nvidia-smi'));
    copyFileSync(join(NVIDIA_SMI, answers), join(context, 'box.txt'));
    writeFileSync(join(context, 'Containerfile'), `FROM ${image}\nCOPY --chmod=755 nvidia-smi /usr/bin/nvidia-smi\nCOPY box.txt /etc/nvidia-smi/box.txt\n`);
    await podmanOk(['build', '-q', '-t', tag, '-f', join(context, 'Containerfile'), context]);
    images.push(tag);
    return tag;
  }
  return { imageOf, images };
}
