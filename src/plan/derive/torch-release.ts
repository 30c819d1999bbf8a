import { parseWants } from '../../version/wants.js';
import { tableRows } from '../data.js';
import { familyArgs, stringArg } from './args.js';
import { bestBuild, boxOf, buildRules, buildsOf, smName } from './gpu-builds.js';
import type { Deriver } from './types.js';

// torch-release: the torch version to install. `auto` picks, among the releases whose Python range holds `python`
// (rows are newest first), the newest one that has a build this box runs (its driver by CUDA's minor-version
// compatibility, its GPU's architecture in the build); without an NVIDIA GPU, the newest release. `file`, `table` and
// `name` (default pytorch, torch, torch) choose another family's table of {version, cuda, python} rows, e.g. Paddle's.
// `python` is the first word given, so that a param can stand before facts.python3.
export const deriveTorchRelease: Deriver = (input) => {
  const wanted = stringArg(input, 'torch');
  const python = stringArg(input, 'python').trim().split(/\s+/)[0] ?? '';
  const { file, table, name } = familyArgs(input);
  const rows = tableRows(input.data(file), table);
  if (wanted !== 'auto') {
    if (!rows.some((r) => String(r.version) === wanted)) throw new Error(`no ${name} ${wanted} in data/${file}.yaml; known: ${rows.map((r) => String(r.version)).join(', ')}`);
    return { value: wanted };
  }
  const fitting = rows.filter((r) => !python || parseWants(String(r.python)).test(python));
  if (!fitting.length) throw new Error(`no ${name} release in data/${file}.yaml supports Python ${python}`);
  const forPython = `Python ${python || 'any'}`;
  const newest = String(fitting[0]!.version);
  const box = boxOf(input.facts);
  if (!box) return { value: newest, note: `${name} ${newest}: the newest release for ${forPython}` };
  const rules = buildRules(input.data(file), name, input.data('cuda'));
  const gpu = `driver ${box.driver}${box.compute ? ` and ${smName(box.compute)}` : ''}`;
  for (const row of fitting) {
    const version = String(row.version);
    if (!bestBuild(rules, version, buildsOf(row), box).build) continue;
    const newer = version === newest ? '' : `; no build of ${fitting.slice(0, fitting.indexOf(row)).map((r) => String(r.version)).join(', ')} runs here`;
    return { value: version, note: `${name} ${version}: the newest release with a build for ${gpu} (${forPython})${newer}` };
  }
  return { value: newest, note: `${name} ${newest}: no CUDA build of any release for ${forPython} runs here (${gpu}); the newest release` };
};
