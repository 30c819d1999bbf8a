import { compareVersions, parseVersion } from '../../version/version.js';
import { tableRows, type DataFile } from '../data.js';

// cu124 → "12.4"
export function cudaOf(variant: string): string {
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

// The minimum driver of a cuXXX build, from data/cuda.yaml's toolkits table ('' when unknown).
export function minDriverFor(cuda: DataFile): (variant: string) => string {
  const toolkits = tableRows(cuda, 'toolkits');
  return (variant) => String(toolkits.find((t) => String(t.version) === cudaOf(variant))?.driver ?? '');
}
