import { parseWants } from '../../version/wants.js';
import { tableRows } from '../data.js';
import { familyArgs, stringArg } from './args.js';
import { bestBuild, boxOf, buildRules, buildsOf, smName } from './gpu-builds.js';
import type { DeriveInput, Deriver } from './types.js';

type Row = Record<string, unknown>;

// The release `auto` picks among those with wheels for the Python (newest first), and why: the newest with a build
// this box runs; without an NVIDIA GPU, or when no release has such a build, the newest.
function pickRelease(input: DeriveInput, fitting: Row[], forPython: string): { version: string; why: string } {
  const { file, name } = familyArgs(input);
  const newest = String(fitting[0]!.version);
  const box = boxOf(input.facts);
  if (!box) return { version: newest, why: `the newest release for ${forPython}` };
  const rules = buildRules(input.data(file), name, input.data('cuda'));
  const gpu = `driver ${box.driver}${box.compute ? ` and ${smName(box.compute)}` : ''}`;
  const row = fitting.find((r) => bestBuild(rules, String(r.version), buildsOf(r), box).build);
  if (!row) return { version: newest, why: `no CUDA build of any release for ${forPython} runs here (${gpu}); the newest release` };
  const version = String(row.version);
  const newer = version === newest ? '' : `; no build of ${fitting.slice(0, fitting.indexOf(row)).map((r) => String(r.version)).join(', ')} runs here`;
  return { version, why: `the newest release with a build for ${gpu} (${forPython})${newer}` };
}

// torch-release: the torch version to install. `auto` picks, among the releases whose Python range holds `python`
// (rows are newest first), the newest one that has a build this box runs (its driver by CUDA's minor-version
// compatibility, its GPU's architecture in the build); without an NVIDIA GPU, the newest release. `file`, `table` and
// `name` (default pytorch, torch, torch) choose another family's table of {version, cuda, python} rows, e.g. Paddle's.
// `python` is the first word given, so that a param can stand before facts.python3. A release set by hand without
// wheels for that Python blocks the recipe, naming the one auto picks; so does a Python no release has wheels for
// (naming the Pythons the newest and oldest have), or none at all.
export const deriveTorchRelease: Deriver = (input) => {
  const wanted = stringArg(input, 'torch');
  const python = stringArg(input, 'python').trim().split(/\s+/)[0] ?? '';
  const { file, table, name } = familyArgs(input);
  const rows = tableRows(input.data(file), table);
  if (!rows.length) throw new Error(`data/${file}.yaml table ${table} has no releases`);
  const row = wanted === 'auto' ? rows[0]! : rows.find((r) => String(r.version) === wanted);
  if (!row) throw new Error(`no ${name} ${wanted} in data/${file}.yaml; known: ${rows.map((r) => String(r.version)).join(', ')}`);
  const range = (r: Row) => String(r.python);
  if (!python) return { value: String(row.version), blocked: `${name} ${String(row.version)} has wheels for Python ${range(row)}, and no python3 was found to install it for` };
  const fitting = rows.filter((r) => parseWants(range(r)).test(python));
  if (!fitting.length) {
    const [newest, oldest] = [rows[0]!, rows.at(-1)!];
    const blocked = `no ${name} release in data/${file}.yaml has wheels for Python ${python}: the newest, ${String(newest.version)}, has them for ${range(newest)}, the oldest, ${String(oldest.version)}, for ${range(oldest)}`;
    return { value: String(row.version), blocked };
  }
  const pick = pickRelease(input, fitting, `Python ${python}`);
  if (wanted === 'auto') return { value: pick.version, note: `${name} ${pick.version}: ${pick.why}` };
  if (fitting.includes(row)) return { value: wanted };
  return { value: wanted, blocked: `${name} ${wanted} has no wheel for Python ${python} (its wheels are for ${range(row)}); leave the version auto, or set ${pick.version}: ${pick.why}` };
};
