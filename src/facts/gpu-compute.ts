import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { parseDataFile } from '../yaml/data-file.js';

const COMPUTE = /^\d+\.\d+$/;

let names: { name: string; compute: string }[] | undefined;

// The GPU-name table of recipes/data/gpus.yaml, read once: for drivers whose nvidia-smi cannot report compute_cap.
function gpuTable(): { name: string; compute: string }[] {
  if (!names) {
    const file = join(PACKAGE_ROOT, 'recipes', 'data', 'gpus.yaml');
    const data = parseDataFile(readFileSync(file, 'utf8'), file);
    names = (data.tables.gpus ?? []).map((g) => ({ name: String(g.name ?? '').toLowerCase(), compute: String(g.compute ?? '') })).filter((g) => g.name && COMPUTE.test(g.compute));
  }
  return names;
}

// The compute capability ("8.6") of one GPU: what nvidia-smi reported, else the name table's ('' when neither knows).
export function computeOf(name: string, reported = ''): string {
  if (COMPUTE.test(reported.trim())) return reported.trim();
  const lower = name.toLowerCase();
  return gpuTable().find((g) => lower.includes(g.name))?.compute ?? '';
}

// The lowest of several compute capabilities (the one that governs an install for every GPU of the box); '' if any is unknown.
export function lowestCompute(computes: string[]): string {
  if (!computes.length || computes.some((c) => !COMPUTE.test(c))) return '';
  const key = (c: string) => c.split('.').map(Number) as [number, number];
  return computes.reduce((low, c) => {
    const [a, b] = key(c);
    const [x, y] = key(low);
    return a < x || (a === x && b < y) ? c : low;
  });
}
