// What a recipe wants from a tool's version: an exact version, a semver-style range, or PEP 440 specifiers.
import semver from 'semver';
import { compareVersions, parseVersion, type Version } from './version.js';

// A version requirement that cannot be understood; the message is meant for the recipe's author.
export class WantsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WantsError';
  }
}

// A parsed requirement: its text, and a test of a found version string against it.
export interface Wants {
  text: string;
  test(found: string): boolean;
}

type Check = (found: Version) => boolean;
type Sets = Check[][]; // satisfied when every check of some set passes

const withoutLocal = (v: Version): Version => (v.local === undefined ? v : { ...v, local: undefined });
const cmp = (found: Version, want: Version) => compareVersions(withoutLocal(found), want);
const sameRelease = (a: Version, b: Version) => compareVersions({ release: a.release, text: '' }, { release: b.release, text: '' }) === 0;
const isPre = (v: Version) => v.pre !== undefined || v.dev !== undefined;

// Below every version with this release, pre-releases and dev releases included (semver's `-0`).
const floor = (release: number[]): Version => ({ release, dev: -1, text: `${release.join('.')}-0` });

// PEP 440 `==`: a wanted version without a local label accepts any local label.
function exactly(want: Version): Check {
  return want.local === undefined ? (f) => cmp(f, want) === 0 : (f) => compareVersions(f, want) === 0;
}

// `3.1` as a prefix: every 3.1.x, pre-releases included.
function prefix(release: number[]): Check {
  const next = [...release.slice(0, -1), release[release.length - 1]! + 1];
  return (f) => cmp(f, floor(release)) >= 0 && cmp(f, floor(next)) < 0;
}

// An ordered comparison; `pep` adds PEP 440's rules that `<V` skips V's pre-releases and `>V` its post-releases.
function ordered(op: string, want: Version, pep: boolean): Check | undefined {
  switch (op) {
    case '<':
      return (f) => cmp(f, want) < 0 && !(pep && isPre(f) && !isPre(want) && sameRelease(f, want));
    case '<=':
      return (f) => cmp(f, want) <= 0;
    case '>':
      return (f) => cmp(f, want) > 0 && !(pep && f.post !== undefined && want.post === undefined && sameRelease(f, want));
    case '>=':
      return (f) => cmp(f, want) >= 0;
    case '':
    case '=':
    case '==':
      return exactly(want);
    default:
      return undefined;
  }
}

function fromSemVer(v: semver.SemVer): Version | undefined {
  const release = [v.major, v.minor, v.patch];
  if (v.prerelease.length === 1 && v.prerelease[0] === 0) return floor(release);
  const pre = v.prerelease.length > 0 ? `-${v.prerelease.join('.')}` : '';
  return parseVersion(`${release.join('.')}${pre}`);
}

// Semver-style ranges, read by the semver package and then checked with PEP 440 ordering.
function semverSets(spec: string): Sets | undefined {
  // semver quietly drops a dangling operator or an empty `||` branch; a recipe typo should fail instead.
  if (/^\s*\|\||\|\|\s*(\|\||$)|[<>=~^-]\s*$/.test(spec)) return undefined;
  let range: semver.Range;
  try {
    range = new semver.Range(spec, { loose: true });
  } catch {
    return undefined;
  }
  const sets: Sets = [];
  for (const comparators of range.set) {
    const checks: Check[] = [];
    for (const c of comparators) {
      if (c.value === '') continue; // matches anything
      const want = fromSemVer(c.semver);
      const check = want && ordered(c.operator, want, false);
      if (!check) return undefined;
      checks.push(check);
    }
    sets.push(checks);
  }
  return sets;
}

const CLAUSE_RE = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/;

function pepCheck(op: string, text: string): Check | undefined {
  if (op === '===') return (f) => f.text.toLowerCase() === text.toLowerCase();
  if (text.endsWith('.*')) {
    const base = parseVersion(text.slice(0, -2));
    if (!base || isPre(base) || base.post !== undefined || base.local) return undefined;
    const inside = prefix(base.release);
    return op === '==' ? inside : op === '!=' ? (f) => !inside(f) : undefined;
  }
  const want = parseVersion(text);
  if (!want) return undefined;
  if (op === '!=') return (f) => !exactly(want)(f);
  if (op !== '~=') return ordered(op, want, true);
  if (want.release.length < 2 || want.local) return undefined;
  const within = prefix(want.release.slice(0, -1));
  return (f) => cmp(f, want) >= 0 && within(f);
}

// PEP 440 specifiers (`>=2.5,<3`, `~=3.8`, `!=1.2`, `==3.1.*`), all of which must hold.
function pepSets(spec: string): Sets | undefined {
  const checks: Check[] = [];
  for (const clause of spec.split(',')) {
    const m = CLAUSE_RE.exec(clause.trim());
    const check = m && pepCheck(m[1]!, m[2]!);
    if (!check) return undefined;
    checks.push(check);
  }
  return [checks];
}

const SIMPLE_RE = /^(>=|<=|>|<|=)?v?(\d[^\s]*)$/;

// Comparators whose meaning needs no semver x-range rules (`>=` anything, or a full three-part version): checked directly, much faster than semver.
function simpleSets(spec: string): Sets | undefined {
  const checks: Check[] = [];
  for (const part of spec.split(/\s+/)) {
    const m = SIMPLE_RE.exec(part);
    const want = m ? parseVersion(m[2]!) : undefined;
    if (!m || !want || (m[1] !== '>=' && want.release.length < 3)) return undefined;
    checks.push(ordered(m[1] ?? '', want, false)!);
  }
  return [checks];
}

function compile(spec: string): Sets {
  if (spec === '' || spec === '*') return [[]];
  const exact = parseVersion(spec);
  if (exact) return [[exactly(exact)]];
  const simple = simpleSets(spec);
  if (simple) return simple;
  const pepOnly = spec.includes(',') || /^(~=|==|!=)/.test(spec);
  const sets = (pepOnly ? undefined : semverSets(spec)) ?? pepSets(spec);
  if (!sets) throw new WantsError(`invalid version range "${spec}"`);
  return sets;
}

// Parses a requirement: exact (`3.24.0`, `2.3.0+cu121`), range (`>=3.20 <4`, `^2.5`), or PEP 440 (`>=2.5,<3`); throws WantsError.
export function parseWants(text: string): Wants {
  const spec = text.trim();
  const sets = compile(spec);
  return {
    text: spec,
    test(found: string): boolean {
      const version = parseVersion(found);
      return version !== undefined && sets.some((checks) => checks.every((check) => check(version)));
    },
  };
}
