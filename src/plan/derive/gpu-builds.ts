import type { Facts } from '../../facts/types.js';
import { compareVersions, parseVersion } from '../../version/version.js';
import { parseWants } from '../../version/wants.js';
import type { DataFile } from '../../yaml/data-file.js';
import { tableRows } from '../data.js';

// cu124 → "12.4"
function cudaOf(variant: string): string {
  const digits = variant.slice(2);
  return `${digits.slice(0, -1)}.${digits.slice(-1)}`;
}

// Is version `found` at least `wanted`?
export function atLeast(found: string, wanted: string): boolean {
  const f = parseVersion(found);
  const w = parseVersion(wanted);
  return !!f && !!w && compareVersions(f, w) >= 0;
}

// The CUDA builds of a release row (cuXXX names), newest CUDA first.
export function buildsOf(row: Record<string, unknown>): string[] {
  return ((row.cuda ?? []) as string[]).slice().sort((a, b) => compareVersions(parseVersion(cudaOf(b))!, parseVersion(cudaOf(a))!));
}

// "6.1" → "sm_61"
export const smName = (compute: string): string => `sm_${compute.replace('.', '')}`;

// Does a build carrying kernels for `sm` run on a GPU of compute capability `compute`? A cubin runs on the same major
// architecture at the same or a higher minor revision (NVIDIA CUDA C++ Programming Guide, "Binary Compatibility").
function carries(sm: readonly string[], compute: string): boolean {
  const [major, minor] = compute.split('.').map(Number);
  return sm.some((s) => {
    const [a, b] = s.split('.').map(Number);
    return a === major && b! <= minor!;
  });
}

// The GPU architectures of a build: a published list, or the lowest its CUDA version builds for.
interface Arches {
  sm?: string[];
  min?: string;
}

// Does a GPU of compute capability `compute` run a build with these architectures?
function runsOn(arches: Arches, compute: string): boolean {
  return arches.sm ? carries(arches.sm, compute) : atLeast(compute, arches.min ?? '0');
}

// What data/cuda.yaml says of a CUDA major: the minimum driver of minor-version compatibility (its `compat` table, Table 2
// of the release notes) and the lowest GPU architecture it compiles for (its `sm` table); '' when it does not say.
export function cudaLimits(cuda: DataFile): { minDriver(major: string): string; minSm(major: string): string } {
  const compat = tableRows(cuda, 'compat');
  const lowest = tableRows(cuda, 'sm');
  return {
    minDriver: (major) => String(compat.find((r) => String(r.major) === major)?.driver ?? ''),
    minSm: (major) => String(lowest.find((r) => String(r.major) === major)?.min ?? ''),
  };
}

// What the rules need to know of a family of builds (torch, paddle, faiss): CUDA's driver minimums and each build's GPU architectures.
export interface BuildRules {
  // Table 2 of the CUDA release notes: the minimum driver that runs builds of this CUDA major ('' when unknown).
  minDriver(variant: string): string;
  // The compute capabilities a build of `release` carries (or the lowest one, where no list is published), and where that comes from.
  arches(release: string, variant: string): Arches | undefined;
  // What a build's wheels need on the box beyond a driver and that rig does not install ('' when nothing).
  needs(release: string, variant: string): string;
}

// The rules for one family of builds, read from its data file's `arches` table (rows {<name>: range, variant, sm}) and
// data/cuda.yaml's `compat` (Table 2) and `sm` (the lowest architecture each CUDA major builds for, when a build's list is not published).
export function buildRules(data: DataFile, name: string, cuda: DataFile): BuildRules {
  const limits = cudaLimits(cuda);
  const listed = data.tables.arches ?? [];
  const wheels = data.tables.wheels ?? [];
  const major = (variant: string) => cudaOf(variant).split('.')[0]!;
  return {
    minDriver: (variant) => limits.minDriver(major(variant)),
    arches: (release, variant) => {
      const row = listed.find((r) => String(r.variant) === variant && (r[name] === undefined || parseWants(String(r[name])).test(release)));
      if (row) return { sm: (row.sm as unknown[]).map(String) };
      const min = limits.minSm(major(variant));
      return min ? { min } : undefined;
    },
    needs: (release, variant) => {
      const row = wheels.find((r) => String(r.version) === release && String(r.variant) === variant);
      return row?.local === true ? `a local CUDA ${cudaOf(variant)} toolkit with cuDNN ${String(row.cudnn ?? '')}`.trim() : '';
    },
  };
}

// The GPU side of the facts that decides which builds run: the driver and the lowest compute capability ('' when unknown).
export interface Box {
  driver: string;
  compute: string;
}

// The box a build must run on, or undefined without a usable NVIDIA GPU.
export function boxOf(facts: Facts): Box | undefined {
  return facts.gpu.count > 0 && facts.gpu.driver ? { driver: facts.gpu.driver, compute: facts.gpu.compute ?? '' } : undefined;
}

// Why a build cannot run on the box (undefined when it can).
export function whyNot(rules: BuildRules, release: string, variant: string, box: Box): string | undefined {
  const need = rules.minDriver(variant);
  const major = cudaOf(variant).split('.')[0];
  if (!need) return `no minimum driver for CUDA ${major} builds is known (data/cuda.yaml compat)`;
  if (!atLeast(box.driver, need)) return `driver ${box.driver} is older than the ${need} CUDA ${major} builds need`;
  const needs = rules.needs(release, variant);
  if (needs) return `${variant} wheels need ${needs}, which rig does not install`;
  if (!box.compute) return undefined;
  const arches = rules.arches(release, variant);
  if (arches && !runsOn(arches, box.compute)) return `${smName(box.compute)} is not in ${variant} builds`;
  return undefined;
}

// The newest build of a release that runs on the box, with the reasons each newer one was passed over.
export function bestBuild(rules: BuildRules, release: string, builds: string[], box: Box): { build?: string; passed: string[] } {
  const passed: string[] = [];
  for (const build of builds) {
    const why = whyNot(rules, release, build, box);
    if (!why) return { build, passed };
    passed.push(why);
  }
  return { passed };
}
