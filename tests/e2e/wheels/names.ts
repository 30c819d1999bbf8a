// Distribution names, as projects, wheel file names and requirements, and the Python tags of their wheels.

const CPYTHONS = ['cp36', 'cp37', 'cp38', 'cp39', 'cp310', 'cp311', 'cp312', 'cp313', 'cp314'];
const minor = (cp: string) => Number(cp.slice(3));
// The CPython tags a Requires-Python like ">=3.10" or "<3.15,>=3.10" admits.
export function pythonsFor(requiresPython = '>=3.8'): string[] {
  const low = /(?:^|,)\s*>=\s*3\.(\d+)/.exec(requiresPython)?.[1];
  const high = /(?:^|,)\s*<\s*3\.(\d+)/.exec(requiresPython)?.[1];
  return CPYTHONS.filter((cp) => minor(cp) >= Number(low ?? 8) && minor(cp) < Number(high ?? 99));
}

// A project's normalized name (PEP 503).
export const normal = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
// A distribution's name as a wheel file name spells it.
export const fileName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');
// The normalized project a requirement names.
export const requirementName = (req: string) => normal(/^[A-Za-z0-9._-]+/.exec(req.trim())![0]);

// Wheel file names, one per Python tag: cpXY-cpXY-<platform> or cp39-abi3-<platform>, or py3-none-any when pure.
export function tagsOf(d: { tag?: string; pythons?: string[]; abi3?: boolean; python?: string }): string[] {
  if (!d.tag) return ['py3-none-any'];
  if (d.abi3) return [`${pythonsFor(d.python)[0] ?? 'cp39'}-abi3-${d.tag}`];
  return (d.pythons ?? pythonsFor(d.python)).map((cp) => `${cp}-${cp}-${d.tag}`);
}
