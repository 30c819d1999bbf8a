import type { PlannedCheck, PlannedRecipe } from '../plan/types.js';
import { extractVersion } from '../version/extract.js';

// Where a recipe stands on the target.
export type State = 'satisfied' | 'missing' | 'wrong' | 'skipped' | 'unchecked' | 'stack' | 'blocked';

// A recipe's state with what was found and what is wanted.
export interface RecipeStatus {
  state: State;
  found?: string;
  wants?: string;
  detail: string;
}

function lastLine(output: string): string {
  const line = output.trim().split('\n').at(-1)?.trim() ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

// Judge a check's exit code and output against what the recipe wants.
export function judgeCheck(check: PlannedCheck, code: number, output: string): RecipeStatus {
  const wants = check.wants?.text;
  const wantsText = wants ? `, wants ${wants}` : '';
  if (code !== 0) {
    const why = lastLine(output);
    // The check failed after printing a version (a client there, its server down): say what was found.
    const seen = check.pattern && !check.query ? extractVersion(output, check.pattern) : undefined;
    if (seen !== undefined && /^\d/.test(seen)) {
      const said = why && !why.includes(seen) ? `: ${why}` : ` (exit ${code})`;
      return { state: 'missing', found: seen, ...(wants ? { wants } : {}), detail: `found ${seen}${wantsText}, but its check fails${said}` };
    }
    return { state: 'missing', ...(wants ? { wants } : {}), detail: `not installed${why ? ` (${why})` : ''}` };
  }
  const found = extractVersion(output, check.pattern);
  if (!check.wants) return { state: 'satisfied', ...(found ? { found } : {}), detail: found ? `found ${found}` : 'installed' };
  if (found === undefined) return { state: 'wrong', wants: check.wants.text, detail: `installed, but its version cannot be read from "${lastLine(output)}"${wantsText}` };
  if (check.wants.test(found)) return { state: 'satisfied', found, wants: check.wants.text, detail: `found ${found}${wantsText}` };
  return { state: 'wrong', found, wants: check.wants.text, detail: `found ${found}${wantsText}` };
}

// Judge a recipe without a check from its step guards: done when every step's guard holds.
export function judgeGuards(recipe: PlannedRecipe, guardsHeld: boolean[]): RecipeStatus {
  const todo = guardsHeld.filter((held) => !held).length;
  if (todo === 0) return { state: 'satisfied', detail: `all ${recipe.steps.length} steps done` };
  return { state: 'missing', detail: `${todo} of ${recipe.steps.length} steps to do` };
}

// The status of a recipe that is not probed: skipped by `when`, a stack, or not checked (--no-probe, --facts).
export function unprobedStatus(recipe: PlannedRecipe): RecipeStatus {
  if (recipe.skip) return { state: 'skipped', detail: recipe.skip };
  if (recipe.blocked) return { state: 'blocked', detail: recipe.blocked };
  if (!recipe.check && recipe.steps.length === 0) return { state: 'stack', detail: `stack of ${recipe.requires.length}` };
  return { state: 'unchecked', detail: 'not checked' };
}

// A recipe that needs work but may not run here (an assert failed) is blocked; otherwise its status stands.
export function withBlock(recipe: PlannedRecipe, status: RecipeStatus): RecipeStatus {
  return recipe.blocked && needsWork(status) ? { state: 'blocked', detail: recipe.blocked } : status;
}

// Does this status mean the recipe's steps must run?
export function needsWork(status: RecipeStatus): boolean {
  return status.state === 'missing' || status.state === 'wrong' || status.state === 'unchecked';
}
