import { tableRows } from '../data.js';
import { familyArgs, stringArg } from './args.js';
import { bestBuild, boxOf, buildRules, buildsOf, whyNot } from './gpu-builds.js';
import type { Deriver } from './types.js';

// torch-variant: the build (cpu or cuXXX) of a release for this box. `auto` picks the newest CUDA build the box runs: its
// driver by CUDA's minor-version compatibility (data/cuda.yaml compat) and its GPU's architecture among the build's
// (the data file's arches); a build set by hand that cannot run on this box blocks the recipe with the reason.
// `file` and `table` (default pytorch, torch) name another table of {version, cuda: [cuXXX…]} rows, e.g. Paddle's;
// `name` (default torch) labels notes and is the column of the arches table that holds release ranges.
export const deriveTorchVariant: Deriver = (input) => {
  const torch = stringArg(input, 'torch');
  const wanted = stringArg(input, 'variant');
  const { file, table, name } = familyArgs(input);
  const label = `${name} ${torch}`;
  const rows = tableRows(input.data(file), table);
  const row = rows.find((r) => String(r.version) === torch);
  if (!row) throw new Error(`no version ${torch} in data/${file}.yaml table ${table}; known: ${rows.map((r) => String(r.version)).join(', ')}`);
  const builds = buildsOf(row);
  const rules = buildRules(input.data(file), name, input.data('cuda'));
  const box = boxOf(input.facts);
  if (wanted === 'cpu') return { value: 'cpu', note: 'variant cpu (as set)' };
  if (wanted !== 'auto') {
    if (!builds.includes(wanted)) throw new Error(`${label} has no ${wanted} build; it has cpu${builds.length ? `, ${builds.join(', ')}` : ''}`);
    const why = box && whyNot(rules, torch, wanted, box);
    if (!why) return { value: wanted, note: `variant ${wanted} (as set)` };
    const other = bestBuild(rules, torch, builds, box).build;
    return { value: wanted, blocked: `${label} ${wanted} cannot run here: ${why}; variant ${other ?? 'cpu'} can (or leave the variant auto)` };
  }
  if (!box) return { value: 'cpu', note: 'variant cpu: no NVIDIA GPU found' };
  const { build, passed } = bestBuild(rules, torch, builds, box);
  if (!build) return { value: 'cpu', note: `variant cpu: no CUDA build of ${label} runs here${passed.length ? ` (${[...new Set(passed)].join('; ')})` : ''}` };
  const why = passed.length ? [...new Set(passed)].join('; ') : `the newest CUDA build of ${label}`;
  return { value: build, note: `variant ${build}: ${why} → ${build} (driver ${box.driver} ≥ ${rules.minDriver(build)})` };
};
