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

// One test of a found version, as data (so that an exported script can run it too, src/export/wants-check.ts):
// an ordered comparison (its local label set aside), PEP 440 `==` (`local`: the label must match too), a range
// [from, below) of a prefix such as `3.1.*`, or `===` on the text; `not` negates `eq` and `range`.
export type Test =
  | { kind: 'cmp'; op: '<' | '<=' | '>' | '>='; want: Version; pep: boolean }
  | { kind: 'eq'; want: Version; local: boolean; not: boolean }
  | { kind: 'range'; from: Version; below: Version; not: boolean }
  | { kind: 'text'; text: string };

// A parsed requirement: its text, its tests (satisfied when every test of some set passes), and a test of a found version string against it.
export interface Wants {
  text: string;
  sets: Test[][];
  test(found: string): boolean;
}

type Sets = Test[][];

const withoutLocal = (v: Version): Version => (v.local === undefined ? v : { ...v, local: undefined });
const cmp = (found: Version, want: Version) => compareVersions(withoutLocal(found), want);
const sameRelease = (a: Version, b: Version) => compareVersions({ release: a.release, text: '' }, { release: b.release, text: '' }) === 0;
const isPre = (v: Version) => v.pre !== undefined || v.dev !== undefined;

// Below every version with this release, pre-releases and dev releases included (semver's `-0`).
const floor = (release: number[]): Version => ({ release, dev: -1, text: `${release.join('.')}-0` });

// Does a found version pass one test?
export function passes(f: Version, t: Test): boolean {
  switch (t.kind) {
    case 'text':
      return f.text.toLowerCase() === t.text.toLowerCase();
    case 'eq':
      return ((t.local ? compareVersions(f, t.want) : cmp(f, t.want)) === 0) !== t.not;
    case 'range':
      return (cmp(f, t.from) >= 0 && cmp(f, t.below) < 0) !== t.not;
    case 'cmp': {
      const c = cmp(f, t.want);
      if (t.op === '<=') return c <= 0;
      if (t.op === '>=') return c >= 0;
      if (t.op === '<') return c < 0 && !(t.pep && isPre(f) && !isPre(t.want) && sameRelease(f, t.want));
      return c > 0 && !(t.pep && f.post !== undefined && t.want.post === undefined && sameRelease(f, t.want));
    }
  }
}

// PEP 440 `==`: a wanted version without a local label accepts any local label.
function exactly(want: Version, not = false): Test {
  return { kind: 'eq', want, local: want.local !== undefined, not };
}

// `3.1` as a prefix: every 3.1.x, pre-releases included.
function prefix(release: number[], not = false): Test {
  const next = [...release.slice(0, -1), release[release.length - 1]! + 1];
  return { kind: 'range', from: floor(release), below: floor(next), not };
}

// An ordered comparison; `pep` adds PEP 440's rules that `<V` skips V's pre-releases and `>V` its post-releases.
function ordered(op: string, want: Version, pep: boolean): Test | undefined {
  switch (op) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { kind: 'cmp', op, want, pep };
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
    const checks: Test[] = [];
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

function pepCheck(op: string, text: string): Test | Test[] | undefined {
  if (op === '===') return { kind: 'text', text };
  if (text.endsWith('.*')) {
    const base = parseVersion(text.slice(0, -2));
    if (!base || isPre(base) || base.post !== undefined || base.local) return undefined;
    return op === '==' ? prefix(base.release) : op === '!=' ? prefix(base.release, true) : undefined;
  }
  const want = parseVersion(text);
  if (!want) return undefined;
  if (op === '!=') return exactly(want, true);
  if (op !== '~=') return ordered(op, want, true);
  if (want.release.length < 2 || want.local) return undefined;
  return [{ kind: 'cmp', op: '>=', want, pep: true }, prefix(want.release.slice(0, -1))];
}

// PEP 440 specifiers (`>=2.5,<3`, `~=3.8`, `!=1.2`, `==3.1.*`), all of which must hold.
function pepSets(spec: string): Sets | undefined {
  const checks: Test[] = [];
  for (const clause of spec.split(',')) {
    const m = CLAUSE_RE.exec(clause.trim());
    const check = m && pepCheck(m[1]!, m[2]!);
    if (!check) return undefined;
    checks.push(...[check].flat());
  }
  return [checks];
}

const SIMPLE_RE = /^(>=|<=|>|<|=)?v?(\d[^\s]*)$/;

// Comparators whose meaning needs no semver x-range rules (`>=` anything, or a full three-part version): checked directly, much faster than semver.
function simpleSets(spec: string): Sets | undefined {
  const checks: Test[] = [];
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
    sets,
    test(found: string): boolean {
      const version = parseVersion(found);
      return version !== undefined && sets.some((tests) => tests.every((t) => passes(version, t)));
    },
  };
}
