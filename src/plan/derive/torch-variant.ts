import { tableRows } from '../data.js';
import { stringArg } from './args.js';
import { atLeast, buildsOf, minDriverFor } from './cuda-builds.js';
import type { Deriver } from './types.js';

// torch-variant: the wheel variant (cpu or cuXXX) of a release for this machine; `auto` picks the newest CUDA build the driver runs.
// `file` and `table` (default pytorch, torch) name another table of {version, cuda: [cuXXX…]} rows, e.g. Paddle's; `name` labels notes.
export const deriveTorchVariant: Deriver = (input) => {
  const torch = stringArg(input, 'torch');
  const wanted = stringArg(input, 'variant');
  const file = typeof input.args.file === 'string' ? input.args.file : 'pytorch';
  const table = typeof input.args.table === 'string' ? input.args.table : 'torch';
  const label = `${typeof input.args.name === 'string' ? input.args.name : 'torch'} ${torch}`;
  const rows = tableRows(input.data(file), table);
  const row = rows.find((r) => String(r.version) === torch);
  if (!row) throw new Error(`no version ${torch} in data/${file}.yaml table ${table}; known: ${rows.map((r) => String(r.version)).join(', ')}`);
  const builds = buildsOf(row);
  const minDriver = minDriverFor(input.data('cuda'));
  const driver = input.facts.gpu.driver;
  if (wanted === 'cpu') return { value: 'cpu', note: 'variant cpu (as set)' };
  if (wanted !== 'auto') {
    const what = typeof input.args.name === 'string' ? label : `PyTorch ${torch}`;
    if (!builds.includes(wanted)) throw new Error(`${what} has no ${wanted} wheels; it has cpu, ${builds.join(', ')}`);
    const need = minDriver(wanted);
    const old = driver && need && !atLeast(driver, need) ? `; warning: driver ${driver} is older than the ${need} ${wanted} needs` : '';
    return { value: wanted, note: `variant ${wanted} (as set)${old}` };
  }
  if (input.facts.gpu.count === 0 || !driver) return { value: 'cpu', note: 'variant cpu: no NVIDIA GPU found' };
  const fit = builds.find((b) => minDriver(b) && atLeast(driver, minDriver(b)));
  if (!fit) {
    const oldest = builds.at(-1);
    const why = oldest ? `older than every CUDA build of ${label} (${oldest} needs ≥ ${minDriver(oldest)})` : `of no use: ${label} has no CUDA builds`;
    return { value: 'cpu', note: `variant cpu: driver ${driver} is ${why}` };
  }
  return { value: fit, note: `variant ${fit}: driver ${driver} ≥ ${minDriver(fit)} (the newest CUDA build of ${label} this driver runs)` };
};
