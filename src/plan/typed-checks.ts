import { UserError } from '../errors.js';
import type { Facts } from '../facts/types.js';
import type { CheckInput } from '../recipe/schema.js';
import { shjoin, shq } from '../shell/quote.js';
import { targetPath } from '../steps/paths.js';
import { WHOLE_PY } from '../steps/pip-programs.js';
import type { PlannedCheck } from './types.js';

const PACKAGE = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/;
const DISTRIBUTION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// The upstream part of a Debian version, after "installed " (no epoch, no Debian revision).
const DPKG_VERSION = /^installed (?:\d+:)?(?<version>.+?)(?:-[^-\s]*)?$/m;

// Prints each distribution given as an argument with its version (nothing after the tab when it is missing, or half
// installed by an interrupted pip).
export const PIP_VERSIONS_PY = [
  'import sys, importlib.metadata as m',
  ...WHOLE_PY,
  'for name in sys.argv[1:]:',
  '    try:',
  '        dist = m.distribution(name)',
  '        print(name + "\\t" + (dist.version if whole(dist) else ""))',
  '    except m.PackageNotFoundError:',
  '        print(name + "\\t")',
].join('\n');

// The standalone form: the versions on one line, or exit 1 naming what is missing or half installed.
const PIP_CHECK_PY = [
  'import sys, importlib.metadata as m',
  ...WHOLE_PY,
  'found = {}',
  'for name in sys.argv[1:]:',
  '    try:',
  '        dist = m.distribution(name)',
  '        found[name] = dist.version if whole(dist) else None',
  '    except m.PackageNotFoundError:',
  '        found[name] = None',
  'missing = [n for n, v in found.items() if v is None]',
  'if missing:',
  '    sys.exit(", ".join(missing) + ": not installed")',
  'print(*found.values())',
].join('\n');

// A dpkg or pip check as a standalone command (for the check after install), and the query the probe batches it into.
export function typedCheck(check: CheckInput, facts: Facts, data: (template: string) => string): PlannedCheck | undefined {
  if (check.dpkg !== undefined) {
    const name = data(check.dpkg);
    if (!PACKAGE.test(name)) throw new UserError(`check.dpkg: "${name}" is not a Debian package name`);
    return {
      script: `dpkg-query -W -f='\${db:Status-Status} \${Version}\\n' ${shq(name)} 2>/dev/null | grep '^installed '`,
      pattern: DPKG_VERSION,
      query: { kind: 'dpkg', names: [name] },
    };
  }
  if (check.pip !== undefined) {
    const names = (Array.isArray(check.pip) ? check.pip : [check.pip]).map(data);
    const bad = names.find((n) => !DISTRIBUTION.test(n));
    if (bad !== undefined) throw new UserError(`check.pip: "${bad}" is not a Python distribution name`);
    const python = check.venv !== undefined ? `${targetPath(data(check.venv), facts)}/bin/python` : data(check.python ?? 'python3');
    return {
      script: `${shq(python)} -c ${shq(PIP_CHECK_PY)} ${shjoin(names)}`,
      pattern: /^(?<version>\S+)/,
      query: { kind: 'pip', python, names },
    };
  }
  return undefined;
}

// What one batched answer says of a typed check: the exit code and output its standalone command would have given.
export function answerOf(check: PlannedCheck, found: Map<string, string>): { code: number; output: string } {
  const names = check.query!.names;
  const missing = names.filter((n) => !found.get(n));
  if (missing.length) return { code: 1, output: `${missing.join(', ')}: not installed` };
  return check.query!.kind === 'dpkg' ? { code: 0, output: `installed ${found.get(names[0]!)}` } : { code: 0, output: names.map((n) => found.get(n)).join(' ') };
}
