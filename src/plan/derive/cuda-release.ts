import { compareVersions, parseVersion } from '../../version/version.js';
import { tableRows } from '../data.js';
import { stringArg } from './args.js';
import { atLeast, boxOf, cudaLimits, smName } from './gpu-builds.js';
import type { Deriver } from './types.js';

const byVersion = (r: Record<string, unknown>) => parseVersion(String(r.version)) ?? { release: [0], text: '' };

// cuda-release: the CUDA toolkit release to install (data/cuda.yaml releases). Installing a toolkit needs no driver;
// `auto` picks the newest release whose programs this box's driver runs (minor-version compatibility, the compat
// table) and that still builds for its GPU (the sm table), among those NVIDIA's `repo` carries when `method` is network.
// A release set by hand gets a note when what it builds cannot run here, and is blocked when the repository lacks it;
// a block names what auto picks in the repository, and with the runfile.
export const deriveCudaRelease: Deriver = (input) => {
  const wanted = stringArg(input, 'version');
  const network = stringArg(input, 'method') === 'network';
  const repo = typeof input.args.repo === 'string' ? input.args.repo : '';
  const cuda = input.data('cuda');
  const releases = tableRows(cuda, 'releases').slice().sort((a, b) => compareVersions(byVersion(b), byVersion(a)));
  const limits = cudaLimits(cuda);
  const major = (v: string) => v.split('.')[0]!;
  const minDriver = (v: string) => limits.minDriver(major(v));
  const minSm = (v: string) => limits.minSm(major(v));
  const inRepo = (row: Record<string, unknown>) => !network || ((row.ubuntu ?? []) as string[]).includes(repo);
  const box = boxOf(input.facts);
  const whyNot = (v: string): string | undefined => {
    if (!box) return undefined;
    if (!minDriver(v) || !atLeast(box.driver, minDriver(v))) return `driver ${box.driver} is older than the ${minDriver(v) || '(unknown)'} programs built with CUDA ${major(v)} need`;
    if (box.compute && minSm(v) && !atLeast(box.compute, minSm(v))) return `CUDA ${major(v)} builds nothing for ${smName(box.compute)} (its lowest is ${smName(minSm(v))})`;
    return undefined;
  };
  const why = box ? `the newest release whose programs driver ${box.driver} runs${box.compute ? ` and that builds for ${smName(box.compute)}` : ''}` : 'the newest release (no NVIDIA GPU here to run it)';
  // What auto picks among these releases, and why: "12.9.2, the newest release whose programs driver 535.104.05 runs".
  const autoPick = (rows: Record<string, unknown>[]) => {
    if (!box) return `${String(rows[0]!.version)}, the newest`;
    const fit = rows.find((r) => !whyNot(String(r.version)));
    return fit ? `${String(fit.version)}, ${why}` : `${String(rows[0]!.version)}, though ${whyNot(String(rows[0]!.version))}`;
  };
  const candidates = releases.filter(inRepo);
  const noRepo = repo ? `NVIDIA's ${repo} repository has no CUDA release rig knows` : `data/distros.yaml names no NVIDIA repository for ${input.facts.os.codename || 'this release'}`;
  if (wanted !== 'auto') {
    const row = releases.find((r) => String(r.version) === wanted);
    if (!row) throw new Error(`no CUDA ${wanted} in data/cuda.yaml; known: ${releases.map((r) => String(r.version)).join(', ')}`);
    if (!inRepo(row)) {
      if (!candidates.length) return { value: wanted, blocked: `${noRepo}; use method runfile, which has CUDA ${wanted}` };
      const has = `it has ${String(candidates.at(-1)!.version)} to ${String(candidates[0]!.version)}, and version auto picks ${autoPick(candidates)}`;
      return { value: wanted, blocked: `CUDA ${wanted} is not in NVIDIA's ${repo} repository: ${has}; or use method runfile, which has ${wanted}` };
    }
    const cannot = whyNot(wanted);
    return cannot ? { value: wanted, note: `CUDA ${wanted} installs, but ${cannot}: what it builds will not run here` } : { value: wanted };
  }
  if (!candidates.length) return { value: String(releases[0]!.version), blocked: `${noRepo}; use method runfile, where version auto picks ${autoPick(releases)}` };
  const fit = candidates.find((r) => !whyNot(String(r.version)));
  if (!fit) {
    const newest = String(candidates[0]!.version);
    return { value: newest, note: `CUDA ${newest}: the newest release, though ${whyNot(newest)}: what it builds will not run here` };
  }
  const version = String(fit.version);
  const passed = [...new Set(candidates.slice(0, candidates.indexOf(fit)).map((r) => whyNot(String(r.version))!))];
  return { value: version, note: `CUDA ${version}: ${why}${passed.length ? ` (newer ones: ${passed.join('; ')})` : ''}` };
};
