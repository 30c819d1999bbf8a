import { UserError } from '../errors.js';
import type { StepSpec } from '../recipe/schema.js';
import { shjoin, shq } from '../shell/quote.js';
import type { AptSetting, KindRender, LockedPins, RenderContext } from './types.js';

const PACKAGE = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;
const FRESH_MINUTES = 24 * 60;
// Seconds apt-get waits for another package manager's lock before it gives up.
const LOCK_WAIT_S = 300;

// Shell that finishes what an interrupted dpkg left (its journal under /var/lib/dpkg/updates, or packages half
// installed): `dpkg --configure -a` (tried again only while another dpkg holds its lock, for LOCK_WAIT_S in all); the
// packages it stopped in the middle of unpacking (half-installed: dpkg can only unpack them again, and `apt-get -f
// install` would try to configure them) installed again; then `apt-get -f install` for what is left (a dependency the
// interrupted run had not unpacked yet).
const REPAIR = [
  `if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ] || [ -n "$(dpkg --audit 2>/dev/null)" ]; then`,
  `  rig_until=$((SECONDS + ${LOCK_WAIT_S}))`,
  '  until rig_out=$(dpkg --configure -a 2>&1); do',
  // dpkg's words for its lock ("dpkg frontend lock was locked by another process", "… is locked by another process").
  `    case "$rig_out" in *'locked by another process'*) ;; *) break ;; esac`,
  `    [ "$SECONDS" -lt "$rig_until" ] || { printf '%s\\n' "$rig_out" >&2; exit 1; }`,
  '    sleep 5',
  '  done',
  `  printf '%s\\n' "$rig_out"`,
  `  rig_half=$(dpkg-query -W -f='\${db:Status-Status} \${binary:Package}\\n' 2>/dev/null | sed -n 's/^half-installed //p')`,
  `  [ -z "$rig_half" ] || apt-get -o DPkg::Lock::Timeout=${LOCK_WAIT_S} install -y --reinstall $rig_half`,
  `  apt-get -o DPkg::Lock::Timeout=${LOCK_WAIT_S} -f install -y`,
  'fi',
].join('\n');

// Shell that exits 0 when dpkg reports the package of $rig_p (name=version) installed, at any version.
export const HAS_ANY_VERSION = `dpkg-query -W -f='\${db:Status-Status}' "\${rig_p%%=*}" 2>/dev/null | grep -qx installed`;

// Shell that exits 0 when dpkg reports every package installed, each given as name=version at that version.
function installedGuard(packages: readonly string[]): string {
  const names = packages.map((p) => p.replace(/=.*/, ''));
  if (!packages.some((p) => p.includes('='))) {
    return `[ "$(dpkg-query -W -f='\${db:Status-Status}\\n' ${shjoin(names)} 2>/dev/null | grep -cx installed)" = ${names.length} ]`;
  }
  const judge = [
    'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { k = w[i]; v = ""; j = index(k, "="); if (j) { v = substr(k, j + 1); k = substr(k, 1, j - 1) } sub(/:.*/, "", k); ver[k] = v; has[k] = 1 } }',
    '$1 == "installed" && has[$2] && (ver[$2] == "" || ver[$2] == $3) { c++ }',
    'END { exit c == n ? 0 : 1 }',
  ].join(' ');
  return `dpkg-query -W -f='\${db:Status-Status}\\t\${Package}\\t\${Version}\\n' ${shjoin(names)} 2>/dev/null | awk -F '\\t' -v want=${shq(packages.join(' '))} ${shq(judge)}`;
}

// What installedGuard answers, from the versions dpkg reports installed (by package name, without its architecture):
// every package installed, each given as name=version at that version.
export function aptInstalled(packages: readonly string[], installed: ReadonlyMap<string, string>): boolean {
  return packages.every((p) => {
    const at = p.indexOf('=');
    const version = installed.get((at < 0 ? p : p.slice(0, at)).replace(/:.*/, ''));
    return version !== undefined && (at < 0 || version === p.slice(at + 1));
  });
}

// The guard and script of installing these packages: skipped when dpkg reports all installed (at the versions given).
export function aptScripts({ packages, update, needs }: AptSetting): { guard: string; script: string } {
  const guard = installedGuard(packages);
  // A version given may be older than the one installed (a lock replayed on a newer box).
  const downgrade = packages.some((p) => p.includes('=')) ? ' --allow-downgrades' : '';
  const install = `apt-get -o DPkg::Lock::Timeout=${LOCK_WAIT_S} install -y --no-install-recommends${downgrade} ${shjoin(packages)}${needs?.length ? ' "$@"' : ''}`;
  const lines = ['export DEBIAN_FRONTEND=noninteractive', REPAIR];
  if (needs?.length) {
    lines.push(`set --; for rig_p in ${shjoin(needs)}; do ${HAS_ANY_VERSION} || set -- "$@" "$rig_p"; done`);
  }
  const refresh = `apt-get -o DPkg::Lock::Timeout=${LOCK_WAIT_S} update`;
  if (update === 'always') lines.push(refresh, install);
  else if (update === 'never') lines.push(install);
  else {
    lines.push(
      `if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -${FRESH_MINUTES} 2>/dev/null | head -n 1)" ]; then ${refresh}; fi`,
      `${install} || { ${refresh} && ${install}; }`,
    );
  }
  return { guard, script: lines.join('\n') };
}

// Several apt steps as one: every package, with the most eager update of them.
export function mergeApt(settings: readonly AptSetting[]): AptSetting {
  const order: AptSetting['update'][] = ['never', 'auto', 'always'];
  const update = settings.map((s) => s.update).reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a), 'never');
  const needs = [...new Set(settings.flatMap((s) => s.needs ?? []))];
  return { packages: [...new Set(settings.flatMap((s) => s.packages))], update, ...(needs.length ? { needs } : {}) };
}

// A package as a lock pins it: name[:arch]=version (a version the recipe gives is replaced by the lock's).
function lockedPackage(given: string, locked: LockedPins): string {
  const name = given.replace(/=.*/, '');
  const version = locked.apt(name.replace(/:.*/, ''));
  return version === undefined ? given : `${name}=${version}`;
}

// apt: installs the packages dpkg does not report as installed; updates the lists when stale or asked.
export function renderApt(spec: StepSpec<'apt'>, ctx: RenderContext): KindRender {
  const given = spec.apt.map((p) => ctx.data(p));
  const bad = given.find((p) => !PACKAGE.test(p));
  if (bad !== undefined) throw new UserError(`apt: "${bad}" is not a Debian package name`);
  const packages = ctx.locked ? given.map((p) => lockedPackage(p, ctx.locked!)) : given;
  const needs = ctx.locked?.aptNeeds(given.map((p) => p.replace(/[:=].*/, ''))) ?? [];
  const apt: AptSetting = { packages, update: spec.update ?? 'auto', ...(needs.length ? { needs } : {}) };
  return { title: `apt install ${packages.join(' ')}${needs.length ? ` (and ${needs.length} package${needs.length === 1 ? '' : 's'} they need, as locked)` : ''}`, ...aptScripts(apt), root: true, apt, pin: { kind: 'apt', packages: given.map((p) => p.replace(/[:=].*/, '')) } };
}
