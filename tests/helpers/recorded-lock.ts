import { readFileSync } from 'node:fs';
import { completeFacts } from '../../src/facts/parse.js';
import { recordedFactsSchema } from '../../src/facts/types.js';
import { lockBox, lockRecipes } from '../../src/lock/lock-file.js';
import type { Lock } from '../../src/lock/schema.js';
import { buildPlan } from '../../src/plan/build.js';
import { dataLookup } from '../../src/plan/data.js';
import { BUILTIN_RECIPES, Catalog } from '../../src/recipe/catalog.js';
import { NO_MIRROR } from '../../src/recipe/mirror.js';
import { factsFile } from '../recipes/boxes.js';

// A lock of `names` as the built-in recipes plan them on the recorded box `facts` (tests/fixtures/facts), as rig lock
// writes its first part: the request, the box and the recipes' params and derived choices.
export function recordedLock(names: string[], facts: string): Lock {
  const catalog = new Catalog([]);
  const box = completeFacts(recordedFactsSchema.parse(JSON.parse(readFileSync(factsFile(facts), 'utf8'))));
  const plan = buildPlan((n, w) => catalog.get(n, w), { names, sets: [], mirror: NO_MIRROR }, box, dataLookup([BUILTIN_RECIPES]));
  return { version: 1, request: names, box: lockBox(box), recipes: lockRecipes(plan) };
}
