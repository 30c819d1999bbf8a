import type { Plan } from '../plan/types.js';
import { runBatch, type BatchItem, type BatchResult } from '../run/batch.js';
import { fetchChecksum } from '../run/fetch.js';
import { shq } from '../shell/quote.js';
import { WHOLE_PY } from '../steps/pip-programs.js';
import { envPrelude } from '../steps/prelude.js';
import type { Pin } from '../steps/types.js';
import type { Target } from '../targets/target.js';
import { aptPolicyScript, installedFrom } from './apt-origins.js';
import { DPKG_INSTALLED, neededBy, parseInstalled, type InstalledPackage } from './dpkg-needs.js';
import { indexHashes, type PipSources } from './index-hashes.js';
import { aptNamesOf, pinsWithRecipe } from './plan-pins.js';
import type { Lock } from './schema.js';

// Prints "name<TAB>version<TAB>requires" of every distribution pip installed for this interpreter (all of a venv's, only
// those in pip's own folders, purelib and platlib, for a system interpreter: not Debian's python3-* packages), where
// requires lists, comma-separated, the distributions of that list that it requires (whatever the markers: what is not
// there was not needed); names as PEP 503 normalizes them.
const DISTRIBUTIONS_PY = [
  'import re, sys',
  'from importlib.metadata import distributions',
  ...WHOLE_PY,
  'venv = sys.prefix != sys.base_prefix',
  'norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()',
  'seen = {}',
  'for d in distributions():',
  '    path = str(getattr(d, "_path", ""))',
  '    if not venv and os.path.realpath(os.path.dirname(path)) not in PIP_DIRS:',
  '        continue',
  '    name = norm(d.metadata["Name"] or "")',
  '    if name and name not in seen:',
  '        seen[name] = (d.version, sorted({norm(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r).group(0)) for r in d.requires or [] if re.match(r"[A-Za-z0-9]", r)}))',
  'for name in sorted(seen):',
  '    print(name + "\\t" + seen[name][0] + "\\t" + ",".join(r for r in seen[name][1] if r in seen and r != name))',
].join('\n');

// What to ask the target: one dpkg-query for every installed package (with what each depends on), one Python per interpreter, one git per clone.
function queries(pins: Pin[]): BatchItem[] {
  const apt = pins.some((p) => p.kind === 'apt');
  const items: BatchItem[] = [];
  if (apt) items.push({ key: 'apt', script: DPKG_INSTALLED });
  for (const python of new Set(pins.flatMap((p) => (p.kind === 'pip' ? [p.python] : [])))) items.push({ key: `pip\0${python}`, script: `${shq(python)} -c ${shq(DISTRIBUTIONS_PY)}` });
  for (const dir of new Set(pins.flatMap((p) => (p.kind === 'git' ? [p.dir] : []))))
    items.push({ key: `git\0${dir}`, script: `git -c safe.directory=${shq(dir)} -C ${shq(dir)} rev-parse HEAD` });
  return items;
}

// "a<TAB>b…" lines of a query's output, split.
function rows(res: BatchResult | undefined): string[][] {
  return (res?.output ?? '').split('\n').filter(Boolean).map((l) => l.split('\t'));
}

// What the target has of what a plan's steps pin, read in one batch: dpkg's installed packages, each interpreter's
// distributions ("name, version, requires" rows, or why they cannot be listed), each clone's commit (or why not).
export interface BoxPins {
  pins: Pin[];
  apt: Map<string, InstalledPackage>;
  pip: Map<string, string[][] | { error: string }>;
  git: Map<string, string | { error: string }>;
}

// Read what the target has of what the plan's steps pin, read-only.
export async function readBoxPins(plan: Plan, target: Target): Promise<BoxPins> {
  const pins = pinsWithRecipe(plan).map((p) => p.pin);
  const results = await runBatch(target, envPrelude(plan.facts), queries(pins));
  const box: BoxPins = { pins, apt: new Map(), pip: new Map(), git: new Map() };
  box.apt = parseInstalled(rows(results.get('apt')));
  const lastLine = (res: BatchResult) => res.output.trim().split('\n').at(-1) || `exit ${res.code}`;
  for (const [key, res] of results) {
    const [kind, where] = key.split('\0');
    if (kind === 'pip') box.pip.set(where!, res.code === 0 ? rows(res) : { error: lastLine(res) });
    if (kind === 'git') {
      const commit = res.output.trim();
      box.git.set(where!, res.code === 0 && /^[0-9a-f]{40,64}$/.test(commit) ? commit : { error: lastLine(res) });
    }
  }
  return box;
}

// The digest of a download pin: the recipe's, or the one its checksum file lists now.
async function digestOf(pin: Extract<Pin, { kind: 'download' }>): Promise<string | undefined> {
  if (pin.digest) return pin.digest.toLowerCase();
  if (!pin.digestFrom) return undefined;
  return fetchChecksum(pin.digestFrom, new URL(pin.url).pathname.split('/').pop()!, pin.algo);
}

// The indexes and find-links pages the pip steps into this interpreter use, in the order they first name them.
function sourcesOf(pins: Pin[], python: string): PipSources {
  const of = pins.flatMap((p) => (p.kind === 'pip' && p.python === python ? [p] : []));
  return { indexes: [...new Set(of.flatMap((p) => p.indexes))], links: [...new Set(of.flatMap((p) => p.links))] };
}

// The distributions of one interpreter, from its "name, version, requires" rows, each with the digests its sources list.
async function withHashes(found: string[][], sources: PipSources): Promise<NonNullable<Lock['pip']>[string]> {
  const hashes = await indexHashes(sources, new Map(found.map(([n, v]) => [n!, v ?? ''])));
  return Object.fromEntries(found.map(([name, version, requires]) => {
    const deps = (requires ?? '').split(',').filter(Boolean);
    const sha256 = hashes.get(name!);
    return [name!, { version: version ?? '', ...(deps.length ? { requires: deps } : {}), ...(sha256 ? { sha256 } : {}) }];
  }));
}

// What the plan's steps resolved to on the target, read-only, in one batch; `problems` collects what cannot be pinned.
export async function collectPins(plan: Plan, target: Target, problems: string[]): Promise<Pick<Lock, 'apt' | 'pip' | 'downloads' | 'git'>> {
  const box = await readBoxPins(plan, target);
  const out: Pick<Lock, 'apt' | 'pip' | 'downloads' | 'git'> = {};
  const needed = neededBy(aptNamesOf(box.pins), box.apt);
  const from = needed.size ? installedFrom((await runBatch(target, envPrelude(plan.facts), [{ key: 'from', script: aptPolicyScript([...needed.keys()]) }])).get('from')?.output ?? '') : new Map();
  for (const [name, needs] of needed) {
    const { version, arch } = box.apt.get(name)!;
    (out.apt ??= {})[name] = { version, arch, ...(needs.length ? { requires: needs } : {}), ...(from.has(name) ? { from: from.get(name) } : {}) };
  }
  for (const [python, found] of box.pip) {
    if ('error' in found) problems.push(`${python}: cannot list its distributions: ${found.error}`);
    else (out.pip ??= {})[python] = await withHashes(found, sourcesOf(box.pins, python));
  }
  for (const pin of box.pins) {
    if (pin.kind === 'git') {
      const commit = box.git.get(pin.dir);
      if (typeof commit === 'string') (out.git ??= {})[pin.dir] = { url: pin.url, commit };
      else problems.push(`${pin.dir}: no commit checked out there (${commit?.error ?? 'not asked'})`);
    }
    if (pin.kind === 'download') {
      const digest = await digestOf(pin);
      if (digest) (out.downloads ??= {})[pin.url] = { [pin.algo]: digest };
      else problems.push(`${pin.url}: the recipe gives no digest, so a lock cannot pin it`);
    }
  }
  return out;
}
