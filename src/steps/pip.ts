import { UserError } from '../errors.js';
import { rewriteUrl } from '../recipe/mirror.js';
import type { StepSpec } from '../recipe/schema.js';
import { shjoin, shq } from '../shell/quote.js';
import { instanceStem } from './instance-name.js';
import { targetPath } from './paths.js';
import { HAS_PIP_PY, PINS_PY, REPAIR_PY, SATISFIED_PY } from './pip-programs.js';
import { replaceFileScript } from './replace-file.js';
import type { KindRender, RenderContext } from './types.js';

function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

// Where pip looks when neither the step nor a mirror names an index.
const DEFAULT_INDEX = 'https://pypi.org/simple';

// The lines that make pip keep, in a venv, what every other recipe instance installed there: each one's pins, and those
// of what its distributions require, are a constraints file in VENV/.rig-constraints/, passed to the pip steps of every
// other instance and rewritten by its own; a later install that would break an earlier one fails instead, saying which pin.
function constrained(python: string, venv: string, install: string, reqs: string[], stem: string): string[] {
  const dir = `${venv}/.rig-constraints`;
  const own = `${dir}/${stem}.txt`;
  return [
    `set --; for rig_c in ${shq(dir)}/*.txt; do [ -f "$rig_c" ] && [ "$rig_c" != ${shq(own)} ] && set -- "$@" -c "$rig_c"; done; unset rig_c`,
    install,
    replaceFileScript(own, [`${shq(python)} -c ${shq(PINS_PY)} ${shjoin(reqs)} > "$rig_tmp"`, 'chmod 0644 "$rig_tmp"']),
  ];
}

// The requirement names of these requirements ("Foo[bar]>=1; marker" → foo), as PEP 503 normalizes them.
function namesOf(reqs: readonly string[]): string[] {
  return reqs.map((r) => (/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(r)?.[0] ?? r).replace(/[-_.]+/g, '-').toLowerCase());
}

// The install command: the requirements as given, or, under a lock, a requirements file of what the lock pins for them
// (written to a file of mktemp's, as only a file can carry --hash options; with them pip checks every file it fetches).
function installCommand(python: string, args: string[], reqs: string[], lines: string[] | undefined, constraints: boolean): string {
  const extra = constraints ? ' "$@"' : '';
  if (!lines) return `${shq(python)} ${shjoin(args)}${extra} ${shjoin(reqs)}`;
  return [
    `rig_req=$(mktemp) && printf '%s\\n' ${shjoin(lines)} > "$rig_req"`,
    `${shq(python)} ${shjoin(args)}${extra} -r "$rig_req"; rig_rc=$?; rm -f "$rig_req"; [ "$rig_rc" = 0 ]`,
  ].join('\n');
}

// pip: installs requirements into an interpreter or a venv (created when missing) unless all are satisfied.
export function renderPip(spec: StepSpec<'pip'>, ctx: RenderContext): KindRender {
  const reqs = spec.pip.map((r) => ctx.data(r)).filter(Boolean);
  const option = reqs.find((r) => r.startsWith('-'));
  if (option !== undefined) throw new UserError(`pip: requirement "${option}" begins with "-", which pip would read as an option (pip options go in args)`);
  const venv = spec.venv === undefined ? undefined : targetPath(ctx.data(spec.venv), ctx.facts);
  const python = venv ? `${venv}/bin/python` : ctx.data(spec.python ?? 'python3');
  const given = spec.index === undefined ? '' : ctx.data(spec.index);
  const index = given ? rewriteUrl(ctx.mirror, given) : ctx.mirror.values.pip || undefined;
  const urls = (list: string[] | undefined) => (list ?? []).map((u) => ctx.data(u)).filter(Boolean).map((u) => rewriteUrl(ctx.mirror, u));
  const extra = urls(spec.extraIndex);
  const links = urls(spec.findLinks);
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off'];
  if (index) args.push('--index-url', index);
  for (const u of extra) args.push('--extra-index-url', u);
  for (const u of links) args.push('--find-links', u);
  const hosts = new Set([index, ...extra, ...links].flatMap((u) => (u ? [hostOf(u)] : [])).filter((h): h is string => !!h));
  if (index && index === ctx.mirror.values.pip && ctx.mirror.values.pipHost) hosts.add(ctx.mirror.values.pipHost);
  for (const h of hosts) args.push('--trusted-host', h);
  args.push(...(spec.args ?? []).map((a) => ctx.data(a)));
  // What an interrupted install left is installed again: half-installed distributions lose their metadata first, and
  // a venv whose own pip that took away gets pip again from ensurepip.
  const repair = `${shq(python)} -c ${shq(REPAIR_PY)}`;
  const names = namesOf(reqs);
  const locked = ctx.locked?.pip(python, names);
  // Under a lock the guard and the venv's constraints ask for each requirement at its locked version.
  const wanted = locked ? names.map((n) => `${n}==${locked.versions.get(n)}`) : reqs;
  const lines: string[] = [];
  if (venv) {
    lines.push(`[ -x ${shq(python)} ] || python3 -m venv ${shq(venv)}`, repair, `${shq(python)} -c ${shq(HAS_PIP_PY)} 2>/dev/null || ${shq(python)} -m ensurepip --default-pip`);
    lines.push(...constrained(python, venv, installCommand(python, args, reqs, locked?.lines, true), wanted, instanceStem(ctx)));
  } else lines.push(repair, installCommand(python, args, reqs, locked?.lines, false));
  const guard = `${shq(python)} -c ${shq(SATISFIED_PY)} ${shjoin(wanted)} 2>/dev/null`;
  const title = `pip install ${(locked ? wanted : reqs).join(' ')}${venv ? ` (venv ${venv})` : ''}`;
  return { title, guard, script: lines.join('\n'), pin: { kind: 'pip', python, names, indexes: [index ?? DEFAULT_INDEX, ...extra], links } };
}
