import type { Plan } from '../plan/types.js';
import type { BoxPins } from './collect.js';
import { lockedPins, pipClosure } from './pinned.js';
import { aptNamesOf, pinsWithRecipe } from './plan-pins.js';
import type { Lock } from './schema.js';

// How a box differs from a lock: per recipe instance, what it has of what the recipe's steps pin that is not what the
// lock says; and the packages they need, and per interpreter the other distributions, not at their locked version, and
// the distributions the lock lacks.
export interface Drift {
  byRecipe: Map<string, string[]>;
  extra: string[];
}

// The installed version of each distribution an interpreter's rows list.
function versions(rows: BoxPins['pip'] extends Map<string, infer V> ? V : never): Map<string, string> {
  return 'error' in rows ? new Map() : new Map(rows.map(([name, version]) => [name!, version ?? '']));
}

// Compare what the target has (readBoxPins, and the version each recipe's check found) with the lock, for the plan's recipes.
export function driftOf(plan: Plan, lock: Lock, box: BoxPins, found: ReadonlyMap<string, string | undefined>): Drift {
  const byRecipe = new Map<string, string[]>();
  const add = (id: string, line: string) => {
    const lines = byRecipe.get(id) ?? [];
    if (!lines.includes(line)) byRecipe.set(id, [...lines, line]);
  };
  const installed = (v: string | undefined) => v || 'not installed';
  // The distributions some recipe's pip steps install (their drift is the recipe's).
  const closures = new Set<string>();
  for (const recipe of plan.recipes.filter((r) => !r.skip)) {
    const version = lock.recipes[recipe.id]?.found;
    if (version && found.get(recipe.id) && found.get(recipe.id) !== version) add(recipe.id, `found ${found.get(recipe.id)} here, ${version} in the lock`);
  }
  for (const { recipe, pin } of pinsWithRecipe(plan)) {
    if (pin.kind === 'apt') {
      for (const p of pin.packages) {
        const want = lock.apt?.[p]?.version;
        const have = box.apt.get(p)?.version;
        if (want && want !== have) add(recipe.id, `apt ${p}: ${installed(have)} here, ${want} in the lock`);
      }
    }
    if (pin.kind === 'pip') {
      const locked = lock.pip?.[pin.python] ?? {};
      const have = versions(box.pip.get(pin.python) ?? []);
      for (const n of pipClosure(locked, pin.names) ?? []) {
        closures.add(`${pin.python}\0${n}`);
        if (have.get(n) !== locked[n]!.version) add(recipe.id, `pip ${n} (${pin.python}): ${installed(have.get(n))} here, ${locked[n]!.version} in the lock`);
      }
    }
    if (pin.kind === 'git') {
      const want = lock.git?.[pin.dir]?.commit;
      const have = box.git.get(pin.dir);
      if (want && have !== want) add(recipe.id, `git ${pin.dir}: ${typeof have === 'string' ? `at ${have}` : 'not cloned'} here, ${want} in the lock`);
    }
  }
  const extra: string[] = [];
  for (const need of lockedPins(lock).aptNeeds(aptNamesOf(pinsWithRecipe(plan).map((p) => p.pin)))) {
    const [name, version] = [need.slice(0, need.indexOf('=')), need.slice(need.indexOf('=') + 1)];
    const have = box.apt.get(name)?.version;
    if (have !== version) extra.push(`apt ${name}: ${installed(have)} here, ${version} in the lock (a package the recipes need)`);
  }
  for (const [python, rows] of box.pip) {
    const locked = lock.pip?.[python] ?? {};
    const have = versions(rows);
    for (const [name, version] of have) if (!locked[name]) extra.push(`pip ${name} ${version} (${python}): installed here, not in the lock`);
    for (const [name, { version }] of Object.entries(locked)) {
      if (!closures.has(`${python}\0${name}`) && have.get(name) !== version) extra.push(`pip ${name} (${python}): ${installed(have.get(name))} here, ${version} in the lock`);
    }
  }
  return { byRecipe, extra };
}
