import { compareVersions, parseVersion } from '../../version/version.js';
import { tableRows } from '../data.js';
import { stringArg } from './args.js';
import type { Deriver } from './types.js';

// cu124 → "12.4"
function cudaOf(variant: string): string {
  const digits = variant.slice(2);
  return `${digits.slice(0, -1)}.${digits.slice(-1)}`;
}

function atLeast(found: string, wanted: string): boolean {
  const f = parseVersion(found);
  const w = parseVersion(wanted);
  return !!f && !!w && compareVersions(f, w) >= 0;
}

// torch-variant: the wheel variant (cpu or cuXXX) of a torch version for this machine; `auto` picks the newest CUDA build the driver runs.
export const deriveTorchVariant: Deriver = (input) => {
  const torch = stringArg(input, 'torch');
  const wanted = stringArg(input, 'variant');
  const rows = tableRows(input.data('pytorch'), 'torch');
  const row = rows.find((r) => String(r.version) === torch);
  if (!row) throw new Error(`no PyTorch ${torch} in data/pytorch.yaml; known: ${rows.map((r) => String(r.version)).join(', ')}`);
  const builds = (row.cuda as string[]).slice().sort((a, b) => compareVersions(parseVersion(cudaOf(b))!, parseVersion(cudaOf(a))!));
  const toolkits = tableRows(input.data('cuda'), 'toolkits');
  const minDriver = (variant: string) => String(toolkits.find((t) => String(t.version) === cudaOf(variant))?.driver ?? '');
  const driver = input.facts.gpu.driver;
  if (wanted === 'cpu') return { value: 'cpu', note: 'variant cpu (as set)' };
  if (wanted !== 'auto') {
    if (!builds.includes(wanted)) throw new Error(`PyTorch ${torch} has no ${wanted} wheels; it has cpu, ${builds.join(', ')}`);
    const need = minDriver(wanted);
    const old = driver && need && !atLeast(driver, need) ? `; warning: driver ${driver} is older than the ${need} ${wanted} needs` : '';
    return { value: wanted, note: `variant ${wanted} (as set)${old}` };
  }
  if (input.facts.gpu.count === 0 || !driver) return { value: 'cpu', note: 'variant cpu: no NVIDIA GPU found' };
  const fit = builds.find((b) => minDriver(b) && atLeast(driver, minDriver(b)));
  if (!fit) {
    const oldest = builds.at(-1)!;
    return { value: 'cpu', note: `variant cpu: driver ${driver} is older than every CUDA build of torch ${torch} (${oldest} needs ≥ ${minDriver(oldest)})` };
  }
  return { value: fit, note: `variant ${fit}: driver ${driver} ≥ ${minDriver(fit)} (the newest CUDA build of torch ${torch} this driver runs)` };
};
