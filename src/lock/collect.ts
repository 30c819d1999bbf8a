import type { Plan } from '../plan/types.js';
import { runBatch, type BatchItem, type BatchResult } from '../run/batch.js';
import { fetchChecksum } from '../run/fetch.js';
import { shjoin, shq } from '../shell/quote.js';
import { WHOLE_PY } from '../steps/pip-programs.js';
import { envPrelude } from '../steps/prelude.js';
import type { Pin } from '../steps/types.js';
import type { Target } from '../targets/target.js';
import type { Lock } from './schema.js';

// Prints "name<TAB>version" of every distribution pip installed for this interpreter: all of a venv's, only those in
// pip's own folders (purelib, platlib) for a system interpreter (not Debian's python3-* packages); names normalized.
const DISTRIBUTIONS_PY = [
  'import re, sys',
  'from importlib.metadata import distributions',
  ...WHOLE_PY,
  'venv = sys.prefix != sys.base_prefix',
  'seen = {}',
  'for d in distributions():',
  '    path = str(getattr(d, "_path", ""))',
  '    if not venv and os.path.realpath(os.path.dirname(path)) not in PIP_DIRS:',
  '        continue',
  '    name = re.sub(r"[-_.]+", "-", d.metadata["Name"] or "").lower()',
  '    if name and name not in seen:',
  '        seen[name] = d.version',
  'for name in sorted(seen):',
  '    print(name + "\\t" + seen[name])',
].join('\n');

// The pins of every step of the plan's recipes that are not skipped.
function pinsOf(plan: Plan): Pin[] {
  return plan.recipes.filter((r) => !r.skip).flatMap((r) => r.steps.flatMap((s) => (s.pin ? [s.pin] : [])));
}

// What to ask the target: one dpkg-query for every apt package, one Python per interpreter, one git per clone.
function queries(pins: Pin[]): BatchItem[] {
  const apt = [...new Set(pins.flatMap((p) => (p.kind === 'apt' ? p.packages : [])))].sort();
  const items: BatchItem[] = [];
  if (apt.length) items.push({ key: 'apt', script: `dpkg-query -W -f='\${Package}\\t\${db:Status-Status}\\t\${Version}\\t\${Architecture}\\n' ${shjoin(apt)} 2>/dev/null; true` });
  for (const python of new Set(pins.flatMap((p) => (p.kind === 'pip' ? [p.python] : [])))) items.push({ key: `pip\0${python}`, script: `${shq(python)} -c ${shq(DISTRIBUTIONS_PY)}` });
  for (const dir of new Set(pins.flatMap((p) => (p.kind === 'git' ? [p.dir] : []))))
    items.push({ key: `git\0${dir}`, script: `git -c safe.directory=${shq(dir)} -C ${shq(dir)} rev-parse HEAD` });
  return items;
}

// "a<TAB>b…" lines of a query's output, split.
function rows(res: BatchResult | undefined): string[][] {
  return (res?.output ?? '').split('\n').filter(Boolean).map((l) => l.split('\t'));
}

// The digest of a download pin: the recipe's, or the one its checksum file lists now.
async function digestOf(pin: Extract<Pin, { kind: 'download' }>): Promise<string | undefined> {
  if (pin.digest) return pin.digest.toLowerCase();
  if (!pin.digestFrom) return undefined;
  return fetchChecksum(pin.digestFrom, new URL(pin.url).pathname.split('/').pop()!, pin.algo);
}

// What the plan's steps resolved to on the target, read-only, in one batch; `problems` collects what cannot be pinned.
export async function collectPins(plan: Plan, target: Target, problems: string[]): Promise<Pick<Lock, 'apt' | 'pip' | 'downloads' | 'git'>> {
  const pins = pinsOf(plan);
  const results = await runBatch(target, envPrelude(plan.facts), queries(pins));
  const out: Pick<Lock, 'apt' | 'pip' | 'downloads' | 'git'> = {};
  for (const [name, state, version, arch] of rows(results.get('apt'))) {
    if (state === 'installed' && name && version && arch) (out.apt ??= {})[name] = { version, arch };
  }
  for (const [key, res] of results) {
    const [kind, where] = key.split('\0');
    if (kind === 'pip') {
      if (res.code !== 0) problems.push(`${where}: cannot list its distributions: ${res.output.trim().split('\n').at(-1) ?? `exit ${res.code}`}`);
      else (out.pip ??= {})[where!] = Object.fromEntries(rows(res).map(([n, v]) => [n!, v ?? '']));
    }
  }
  for (const pin of pins) {
    if (pin.kind === 'git') {
      const res = results.get(`git\0${pin.dir}`);
      const commit = res?.code === 0 ? res.output.trim() : '';
      if (/^[0-9a-f]{40,64}$/.test(commit)) (out.git ??= {})[pin.dir] = { url: pin.url, commit };
      else problems.push(`${pin.dir}: no commit checked out there (${res?.output.trim().split('\n').at(-1) ?? 'not asked'})`);
    }
    if (pin.kind === 'download') {
      const digest = await digestOf(pin);
      if (digest) (out.downloads ??= {})[pin.url] = { [pin.algo]: digest };
      else problems.push(`${pin.url}: the recipe gives no digest, so a lock cannot pin it`);
    }
  }
  return out;
}
