// Versions as tools print them: a PEP 440 superset, parsed into parts that compare in PEP 440 order.

// A parsed version; `text` is the input as given (trimmed), kept for messages.
export interface Version {
  release: number[];
  pre?: { label: 'a' | 'b' | 'rc'; n: number };
  post?: number;
  dev?: number;
  local?: string;
  text: string;
}

const PRE_LABELS: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

// The pattern of one version token, anchored (an exported script parses versions with it too).
export const VERSION_RE = new RegExp(
  '^v?(?<release>\\d+(?:\\.\\d+)*)' +
    '(?:[-_.]?(?<preL>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?<preN>\\d+)?)?' +
    '(?<post>[-_.]?post[-_.]?(?<postN>\\d+)?)?' +
    '(?<dev>[-_.]?dev[-_.]?(?<devN>\\d+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$',
  'i',
);

// Parses one version token (`3.24`, `v20.1.0`, `3.0.0-beta.2`, `2.5.2.post120`, `2.3.0+cu121`); undefined if it is not one.
export function parseVersion(text: string): Version | undefined {
  const trimmed = text.trim();
  const g = VERSION_RE.exec(trimmed)?.groups;
  if (!g?.release) return undefined;
  const version: Version = { release: g.release.split('.').map(Number), text: trimmed };
  if (g.preL) version.pre = { label: PRE_LABELS[g.preL.toLowerCase()]!, n: Number(g.preN ?? 0) };
  if (g.post) version.post = Number(g.postN ?? 0);
  if (g.dev) version.dev = Number(g.devN ?? 0);
  if (g.local) version.local = g.local.toLowerCase().replace(/[-_]/g, '.');
  return version;
}

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

function sign(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = sign(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

function compareRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  const pad = (r: number[]) => [...r, ...new Array<number>(n - r.length).fill(0)];
  return compareLists(pad(a), pad(b));
}

// Key for the pre-release slot: a dev-only release sorts below every pre-release, a final above them.
function preKey(v: Version): number[] {
  if (v.pre) return [PRE_RANK[v.pre.label], v.pre.n];
  if (v.post === undefined && v.dev !== undefined) return [-Infinity, 0];
  return [Infinity, 0];
}

// Local labels compare segment-wise; a number beats a string, and a longer label beats its own prefix.
function compareLocal(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i]!;
    const y = bs[i]!;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    const c = xn && yn ? sign(Number(x), Number(y)) : xn ? 1 : yn ? -1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return sign(as.length, bs.length);
}

// Orders two versions as PEP 440 does (-1, 0 or 1): release, then dev < pre < final < post, then local.
export function compareVersions(a: Version, b: Version): number {
  return (
    compareRelease(a.release, b.release) ||
    compareLists(preKey(a), preKey(b)) ||
    sign(a.post ?? -Infinity, b.post ?? -Infinity) ||
    sign(a.dev ?? Infinity, b.dev ?? Infinity) ||
    compareLocal(a.local, b.local)
  );
}
