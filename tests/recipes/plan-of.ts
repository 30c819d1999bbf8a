import type { Facts } from '../../src/facts/types.js';
import { buildPlan } from '../../src/plan/build.js';
import { dataLookup } from '../../src/plan/data.js';
import { loadMirror } from '../../src/plan/mirror.js';
import { NO_MIRROR } from '../../src/recipe/mirror.js';
import { parseSet } from '../../src/plan/params.js';
import type { Plan, PlannedRecipe } from '../../src/plan/types.js';
import { BUILTIN_RECIPES, Catalog } from '../../src/recipe/catalog.js';

const catalog = new Catalog();
const data = dataLookup([BUILTIN_RECIPES]);

// Plan built-in recipes in-process, the way rig plan does.
export function planBuiltin(names: string[], facts: Facts, opts: { sets?: string[]; mirror?: string } = {}): Plan {
  const mirror = opts.mirror ? loadMirror(opts.mirror) : NO_MIRROR;
  return buildPlan((name, where) => catalog.get(name, where), { names, sets: (opts.sets ?? []).map(parseSet), mirror }, facts, data);
}

// The planned instance of a recipe (the first one with that name).
export function planned(plan: Plan, name: string): PlannedRecipe {
  const found = plan.recipes.find((r) => r.name === name);
  if (!found) throw new Error(`test setup: ${name} is not in the plan`);
  return found;
}
