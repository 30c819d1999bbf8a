import type { Plan } from '../plan/types.js';
import { runBatch } from '../run/batch.js';
import { shjoin } from '../shell/quote.js';
import { HAS_ANY_VERSION } from '../steps/apt.js';
import { asRoot } from '../steps/render.js';
import { envPrelude } from '../steps/prelude.js';
import type { Target } from '../targets/target.js';
import { indexHashes } from './index-hashes.js';
import { lockBox, lockRecipes } from './lock-file.js';
import { lockedPins, pipClosure } from './pinned.js';
import { aptNamesOf, pinsWithRecipe } from './plan-pins.js';
import type { Lock } from './schema.js';

// A list of GPU names with each name once and how many ("NVIDIA H200 ×8"); any other value as it is.
function gpus(value: string): string {
  const names = value.split('; ');
  if (names.length < 2) return value;
  const counted = (n: string) => names.filter((x) => x === n).length;
  return [...new Set(names)].map((n) => (counted(n) > 1 ? `${n} ×${counted(n)}` : n)).join(', ');
}

// How the box differs from the one the lock was made on, in words ("driver 535.183.01 here, 570.195.03 in the lock").
function boxDiffs(plan: Plan, lock: Lock): string {
  const here = lockBox(plan.facts);
  const keys = (Object.keys(here) as (keyof Lock['box'])[]).filter((k) => here[k] !== lock.box[k]);
  return keys.map((k) => `${k} ${gpus(here[k]) || '(none)'} here, ${gpus(lock.box[k]) || '(none)'} in the lock`).join('; ');
}

// Whether the plan is the one the lock was made for: the same recipes, params and derived choices.
function recipeProblems(plan: Plan, lock: Lock): string[] {
  const problems: string[] = [];
  const here = lockRecipes(plan);
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  for (const [id, planned] of Object.entries(here)) {
    const locked = lock.recipes[id];
    if (!locked) {
      problems.push(`${id}: not in the lock (it locks ${Object.keys(lock.recipes).join(', ')})`);
      continue;
    }
    for (const key of new Set([...Object.keys(planned.params ?? {}), ...Object.keys(locked.params ?? {})])) {
      if (planned.params?.[key] !== locked.params?.[key]) problems.push(`${id}.${key}: ${show(planned.params?.[key])} here, ${show(locked.params?.[key])} in the lock`);
    }
    for (const key of new Set([...Object.keys(planned.vars ?? {}), ...Object.keys(locked.vars ?? {})])) {
      if (planned.vars?.[key] !== locked.vars?.[key]) problems.push(`${id}: this box gives ${key} ${show(planned.vars?.[key])}, the lock ${show(locked.vars?.[key])}`);
    }
  }
  const diffs = boxDiffs(plan, lock);
  if (problems.some((p) => p.includes(': this box gives ')) && diffs) problems.unshift(`the lock was made on another box: ${diffs}`);
  return problems;
}

// Whether the lock pins everything the plan's steps install, the way their recipes ask.
function pinProblems(plan: Plan, lock: Lock): string[] {
  const problems = new Set<string>();
  for (const { recipe, pin } of pinsWithRecipe(plan)) {
    if (pin.kind === 'apt') for (const p of pin.packages) if (!lock.apt?.[p]) problems.add(`apt: ${p} (${recipe.id}) is not in the lock`);
    if (pin.kind === 'pip') {
      const locked = lock.pip?.[pin.python] ?? {};
      for (const n of pin.names) if (!locked[n]) problems.add(`pip: ${n} (${recipe.id}) is not in the lock for ${pin.python}`);
    }
    if (pin.kind === 'git') {
      const locked = lock.git?.[pin.dir];
      if (!locked) problems.add(`git: ${pin.dir} (${recipe.id}) is not in the lock`);
      else if (locked.url !== pin.url) problems.add(`git: ${pin.dir} (${recipe.id}) clones ${pin.url} here, ${locked.url} in the lock`);
    }
    if (pin.kind === 'download') {
      const locked = lock.downloads?.[pin.url]?.[pin.algo];
      if (!locked) problems.add(`download: ${pin.url} (${recipe.id}) has no ${pin.algo} in the lock`);
      else if (pin.digest && pin.digest !== locked) problems.add(`download: ${pin.url} (${recipe.id}): the recipe wants ${pin.algo} ${pin.digest}, the lock ${locked}`);
    }
  }
  return [...problems];
}

// Shell printing each name=version that dpkg does not have installed (any version of the `needs`: a replay keeps those)
// and the archive does not offer (apt-cache madison
// lists what it offers; `apt-cache show` exits 0 for any version); only "?" when the box has no package lists, after
// refreshing them when `refresh`.
function aptAvailabilityScript(wanted: string[], needs: string[], plan: Plan, refresh: boolean): string {
  const lists = `[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' 2>/dev/null | head -n 1)" ]`;
  const update = refresh ? `${lists} || ${asRoot('apt-get -q update >/dev/null 2>&1', plan.facts, [])} || true\n` : '';
  const offered = `awk -F '|' -v v="\${rig_p#*=}" '{ gsub(/ /, "", $2) } $2 == v { found = 1 } END { exit !found }'`;
  return `${update}${lists} || { echo '?'; exit 0; }
for rig_p in ${shjoin(wanted)}; do
  [ "$(dpkg-query -W -f='\${Version}' "\${rig_p%%=*}" 2>/dev/null)" = "\${rig_p#*=}" ] && continue
  apt-cache madison "\${rig_p%%=*}" 2>/dev/null | ${offered} || echo "$rig_p"
done
for rig_p in ${shjoin(needs)}; do
  ${HAS_ANY_VERSION} && continue
  apt-cache madison "\${rig_p%%=*}" 2>/dev/null | ${offered} || echo "$rig_p"
done`;
}

// Whether the target can install what the lock pins: each apt version installed or in its archive (the package lists
// refreshed first when it has none and `refresh`), and each locked pip digest still one the index has.
async function targetProblems(plan: Plan, lock: Lock, target: Target, refresh: boolean, notes: string[]): Promise<string[]> {
  const problems: string[] = [];
  const pins = pinsWithRecipe(plan).map((p) => p.pin);
  const named = aptNamesOf(pins).filter((n) => lock.apt?.[n]);
  const apt = named.map((n) => `${n}=${lock.apt![n]!.version}`);
  if (apt.length) {
    const needs = lockedPins(lock).aptNeeds(named);
    const res = (await runBatch(target, envPrelude(plan.facts), [{ key: 'apt', script: aptAvailabilityScript(apt, needs, plan, refresh) }])).get('apt');
    const lines = (res?.output ?? '').split('\n').filter(Boolean);
    if (lines[0] === '?') notes.push('the target has no package lists, so whether its archive has the locked apt versions is not known (apply refreshes them first)');
    for (const missing of lines.filter((l) => l !== '?')) {
      const from = lock.apt?.[missing.slice(0, missing.indexOf('='))]?.from;
      problems.push(`apt: ${missing} is neither installed nor in the target's archive${from ? ` (it was locked from ${from.join(', ')})` : ''}`);
    }
  }
  for (const pin of pins) {
    const locked = pin.kind === 'pip' ? lock.pip?.[pin.python] : undefined;
    if (pin.kind !== 'pip' || !locked) continue;
    const closure = (pipClosure(locked, pin.names) ?? []).filter((n) => locked[n]!.sha256?.length);
    const offered = await indexHashes(pin, new Map(closure.map((n) => [n, locked[n]!.version])));
    for (const name of closure) {
      const { version, sha256 } = locked[name]!;
      const now = offered.get(name) ?? [];
      if (!now.length) problems.push(`pip: ${name}==${version} is not on ${[...pin.indexes, ...pin.links].join(' or ')}`);
      else if (!sha256!.some((h) => now.includes(h))) problems.push(`pip: ${name}==${version}: no file of it on the index has a sha256 the lock lists (the lock or the index was changed)`);
    }
  }
  return [...new Set(problems)];
}

// What stands between the plan and replaying the lock, one line each (empty: it can be honoured); with a target, what it
// has and its indexes offer is asked too, read-only but for refreshing empty package lists when `refresh`.
export async function lockProblems(plan: Plan, lock: Lock, target: Target | undefined, refresh: boolean, notes: string[]): Promise<string[]> {
  const problems = [...recipeProblems(plan, lock), ...pinProblems(plan, lock)];
  if (problems.length || !target) return problems;
  return targetProblems(plan, lock, target, refresh, notes);
}
