import type { Plan, PlannedRecipe } from '../plan/types.js';
import type { Pin } from '../steps/types.js';

// Each pin of the plan's recipes that are not skipped, with the recipe it is of.
export function pinsWithRecipe(plan: Plan): { recipe: PlannedRecipe; pin: Pin }[] {
  return plan.recipes.filter((r) => !r.skip).flatMap((recipe) => recipe.steps.flatMap((s) => (s.pin ? [{ recipe, pin: s.pin }] : [])));
}

// The apt packages these pins install, each once, in the order they first name them.
export function aptNamesOf(pins: readonly Pin[]): string[] {
  return [...new Set(pins.flatMap((p) => (p.kind === 'apt' ? p.packages : [])))];
}
