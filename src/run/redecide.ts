import { gatherFacts } from '../facts/gather.js';
import type { Facts } from '../facts/types.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import type { Target } from '../targets/target.js';
import { probePlan, type Probe } from './probe.js';

// The plan to go on with after recipes that installed facts the plan predicted, when the box says otherwise.
export interface Redecision {
  // The whole plan built on the box's facts as they are now, and the probe of the recipes not yet reached.
  plan: Plan;
  probe: Probe;
  // What differs, for people: "python3 is 3.11.2, not 3.10".
  changed: string;
}

// Builds a plan from facts (the request's recipes, sets and mirror are the caller's).
export type MakePlan = (facts: Facts) => Plan;

// Does the real value agree with the predicted one as far as the prediction goes ("3.10" and "3.10.12" do)?
export function agrees(predicted: string, real: string): boolean {
  const want = predicted.split('.');
  const have = real.split('.');
  return want.every((part, i) => have[i] === part);
}

// Gather the facts of the target after `providers` ran; when one differs from its prediction, plan again on the real
// facts and probe the recipes not yet reached (those not in `reached`). Undefined when every prediction held.
export async function redecide(providers: PlannedRecipe[], target: Target, makePlan: MakePlan, reached: ReadonlySet<string>, env: Record<string, string>): Promise<Redecision | undefined> {
  const facts = await gatherFacts(target);
  const differ: string[] = [];
  for (const recipe of providers) {
    for (const [key, predicted] of Object.entries(recipe.provided ?? {}) as [keyof NonNullable<PlannedRecipe['provided']>, string][]) {
      if (!agrees(predicted, facts[key])) differ.push(`${key} is ${facts[key] || 'still missing'}, not ${predicted}`);
    }
  }
  if (!differ.length) return undefined;
  const plan = makePlan(facts);
  const ahead = { ...plan, recipes: plan.recipes.filter((r) => !reached.has(r.id)) };
  return { plan, probe: await probePlan(ahead, target, env), changed: differ.join(', ') };
}
