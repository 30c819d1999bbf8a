import type { Facts } from '../../src/facts/types.js';
import { buildPlan } from '../../src/plan/build.js';
import { parseDataFile, type DataLookup } from '../../src/yaml/data-file.js';
import { NO_MIRROR, type Mirror } from '../../src/recipe/mirror.js';
import { parseSet } from '../../src/plan/params.js';
import type { Plan } from '../../src/plan/types.js';
import { UserError } from '../../src/errors.js';
import { parseRecipe } from '../../src/recipe/load.js';
import type { Recipe } from '../../src/recipe/model.js';
import { makeFacts } from './facts.js';

// In-memory recipes by name (YAML text without the name line) and optional data files.
export interface Fixture {
  recipes: Record<string, string>;
  data?: Record<string, string>;
}

// Build a plan from in-memory recipes, the way `rig plan` does.
export function planOf(fixture: Fixture, names: string[], opts: { facts?: Facts; sets?: string[]; mirror?: Mirror } = {}): Plan {
  const cache = new Map<string, Recipe>();
  const lookup = (name: string, where?: string): Recipe => {
    const text = fixture.recipes[name];
    if (text === undefined) throw new UserError(`unknown recipe "${name}"`, where);
    if (!cache.has(name)) cache.set(name, parseRecipe(`name: ${name}\n${text}`, `${name}.yaml`));
    return cache.get(name)!;
  };
  const data: DataLookup = (name) => {
    const text = fixture.data?.[name];
    if (text === undefined) throw new UserError(`no data file "${name}"`);
    return parseDataFile(text, `data/${name}.yaml`);
  };
  return buildPlan(lookup, { names, sets: (opts.sets ?? []).map(parseSet), mirror: opts.mirror ?? NO_MIRROR }, opts.facts ?? makeFacts(), data);
}
