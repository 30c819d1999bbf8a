import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import type { Facts } from '../facts/types.js';
import { buildPlan } from '../plan/build.js';
import { loadMirror, NO_MIRROR } from '../plan/mirror.js';
import { parseSet, secretsFromSets } from '../plan/params.js';
import type { Plan } from '../plan/types.js';
import { BUILTIN_RECIPES, Catalog } from '../recipe/catalog.js';
import { dataLookup } from '../plan/data.js';
import type { Recipe } from '../recipe/model.js';
import { openTarget } from '../targets/select.js';
import type { Target } from '../targets/target.js';
import { many, one, type Parsed } from './args.js';
import { targetOptions } from './command.js';

function readFactsFile(file: string): Facts {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Facts;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? `not JSON (${(err as Error).message.split('\n')[0]})`;
    throw new UserError(`--facts ${file}: ${why}; write one with rig facts --json`, '--facts');
  }
}

// The recipe catalog for --recipes flags.
export function openCatalog(args: Parsed): Catalog {
  return new Catalog(many(args.values.recipes));
}

// Everything a plan needs from the command line: catalog, target, facts, and the plan itself.
export interface Session {
  catalog: Catalog;
  target: Target;
  facts: Facts;
  plan: Plan;
  // RIG_SECRET_* values from --set and the environment.
  secrets: Record<string, string>;
}

// Open the target, gather (or read) facts, and build the plan for the recipes named on the command line.
export async function openSession(args: Parsed, verb: string): Promise<Session> {
  const names = args.positionals;
  if (names.length === 0) throw new UserError(`${verb} needs at least one recipe name; rig list shows them`);
  const catalog = openCatalog(args);
  const sets = many(args.values.set).map(parseSet);
  const mirrorSpec = one(args.values.mirror);
  const mirror = mirrorSpec ? loadMirror(mirrorSpec) : NO_MIRROR;
  for (const name of names) catalog.get(name);
  const factsFile = one(args.values.facts);
  const target = await openTarget(one(args.values.target), targetOptions(args));
  try {
    const facts = factsFile ? readFactsFile(factsFile) : await gatherFacts(target);
    const lookup = (name: string, where?: string): Recipe => catalog.get(name, where);
    const plan = buildPlan(lookup, { names, sets, mirror }, facts, dataLookup([BUILTIN_RECIPES, ...many(args.values.recipes)]));
    const recipes = new Map(plan.recipes.map((r) => [r.name, catalog.get(r.name)]));
    const fromEnv = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('RIG_SECRET_') && v !== undefined)) as Record<string, string>;
    return { catalog, target, facts, plan, secrets: { ...fromEnv, ...secretsFromSets(sets, recipes) } };
  } catch (err) {
    await target.close();
    throw err;
  }
}
