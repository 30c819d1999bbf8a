import { compareVersions, parseVersion } from '../../version/version.js';
import { parseWants } from '../../version/wants.js';
import { tableRows } from '../data.js';
import { stringArg } from './args.js';
import { atLeast, buildsOf, cudaOf, minDriverFor } from './cuda-builds.js';
import type { Deriver } from './types.js';

// torch-release: the torch version to install. `auto` picks, among the releases whose Python range holds `python`
// (rows are newest first), the newest one with the newest CUDA build this machine's driver runs; without a usable
// NVIDIA driver, the newest release.
export const deriveTorchRelease: Deriver = (input) => {
  const wanted = stringArg(input, 'torch');
  const python = stringArg(input, 'python');
  const rows = tableRows(input.data('pytorch'), 'torch');
  if (wanted !== 'auto') {
    if (!rows.some((r) => String(r.version) === wanted)) throw new Error(`no PyTorch ${wanted} in data/pytorch.yaml; known: ${rows.map((r) => String(r.version)).join(', ')}`);
    return { value: wanted };
  }
  const fitting = rows.filter((r) => !python || parseWants(String(r.python)).test(python));
  if (!fitting.length) throw new Error(`no PyTorch release in data/pytorch.yaml supports Python ${python}`);
  const minDriver = minDriverFor(input.data('cuda'));
  const driver = input.facts.gpu.count > 0 ? input.facts.gpu.driver : '';
  const runnable = [...new Set(fitting.flatMap(buildsOf))].filter((b) => driver && minDriver(b) !== '' && atLeast(driver, minDriver(b)));
  const best = runnable.sort((a, b) => compareVersions(parseVersion(cudaOf(b))!, parseVersion(cudaOf(a))!))[0];
  const row = best ? fitting.find((r) => buildsOf(r).includes(best))! : fitting[0]!;
  const why = best ? `the newest with ${best}, the newest CUDA build driver ${driver} runs` : 'the newest release';
  return { value: String(row.version), note: `torch ${String(row.version)}: ${why} (Python ${python || 'any'})` };
};
