import { aptScripts, mergeApt } from '../steps/apt.js';
import { asRoot } from '../steps/render.js';
import type { RenderedStep } from '../steps/types.js';
import type { Plan, PlannedRecipe } from './types.js';

// What apply runs for some of a plan's recipes, in order: one recipe's own steps, or one apt-get shared by adjacent
// recipes made only of apt steps (one list update, one dpkg run); then each recipe's check and verify.
export interface Unit {
  // The recipes this unit installs: one, or several that share one apt-get.
  recipes: PlannedRecipe[];
  // Whether its steps run (false: every recipe of it is satisfied, skipped, blocked or a stack).
  work: boolean;
  // The steps that run, in order, each with the recipe and step index it is journaled as.
  steps: { recipe: PlannedRecipe; index: number; step: RenderedStep }[];
}

function isPureApt(recipe: PlannedRecipe): boolean {
  return recipe.steps.length > 0 && recipe.steps.every((s) => s.apt !== undefined);
}

// The one apt step of several apt-only recipes: every package, the most eager list update, the longest timeout.
export function joinedApt(group: readonly PlannedRecipe[], plan: Pick<Plan, 'facts'>): RenderedStep {
  const steps = group.flatMap((r) => r.steps);
  const setting = mergeApt(steps.map((s) => s.apt!));
  const { guard, script } = aptScripts(setting);
  const root = steps.some((s) => s.root);
  return {
    kind: 'apt',
    title: `apt install ${setting.packages.join(' ')} (for ${group.map((r) => r.id).join(', ')})`,
    guard,
    script: root ? asRoot(script, plan.facts, ['RIG_STEP']) : script,
    root,
    timeoutMs: Math.max(...steps.map((s) => s.timeoutMs)),
    retries: Math.max(...steps.map((s) => s.retries)),
    apt: setting,
  };
}

// The units of these recipes, given which of them need work: adjacent apt-only recipes that all need work are joined.
export function programOf(recipes: readonly PlannedRecipe[], plan: Pick<Plan, 'facts'>, needsWork: (r: PlannedRecipe) => boolean): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < recipes.length; i++) {
    const recipe = recipes[i]!;
    if (!needsWork(recipe)) {
      units.push({ recipes: [recipe], work: false, steps: [] });
      continue;
    }
    const group = [recipe];
    while (isPureApt(recipe) && i + 1 < recipes.length && isPureApt(recipes[i + 1]!) && needsWork(recipes[i + 1]!)) group.push(recipes[++i]!);
    const steps = group.length > 1 ? [{ recipe, index: 0, step: joinedApt(group, plan) }] : recipe.steps.map((step, index) => ({ recipe, index, step }));
    units.push({ recipes: group, work: true, steps });
  }
  return units;
}
