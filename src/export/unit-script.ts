import { UserErrors, UserError } from '../errors.js';
import { programOf, type Unit } from '../plan/program.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { shq } from '../shell/quote.js';
import { fetchParts, fetchScript } from '../steps/download.js';
import type { RenderedStep } from '../steps/types.js';
import { WANTS_FUNCTION, wantsCommand } from './wants-check.js';

// A step as standalone shell: its script in a subshell, skipped when its guard holds; a download fetched with curl first.
// Scripts are not indented: a line break may sit inside a quoted value (a file's content).
export function guardedStep(s: RenderedStep): string[] {
  if (s.guard && !s.fetch) return [`if ! { ${s.guard}; } >/dev/null 2>&1; then (`, s.script, ') fi'];
  if (s.guard) {
    // The guard is asked before the download (it needs only the digest), so a finished step fetches nothing.
    const { digest, download } = fetchParts(s.fetch!);
    return ['(', `${digest}\nif { ${s.guard}; } >/dev/null 2>&1; then exit 0; fi\n${download}\n${s.script}`, ')'];
  }
  return ['(', s.fetch ? `${fetchScript(s.fetch)}\n${s.script}` : s.script, ')'];
}

// The recipe's check with its output held in $rig_out: when the check fails, or the version it finds is not the one
// wanted, the output is printed (on stderr with `toStderr`) and `fail` runs.
export function heldCheck(r: PlannedRecipe, fail: string, toStderr: boolean): string[] {
  if (!r.check) return [];
  const lines = ['if ! rig_out=$( ( set +eu', r.check.script, `) 2>&1 ); then printf '%s\\n' "$rig_out"${toStderr ? ' >&2' : ''}; ${fail}; fi`];
  const wants = wantsCommand(r.check);
  if (wants) lines.push(`${wants} || { ${fail}; }`);
  return lines;
}

// The recipe's check after its steps, as rig apply runs and judges it: the script stops when the check fails or
// the version it finds is not the one wanted.
export function checkAfter(r: PlannedRecipe): string[] {
  return heldCheck(r, `echo ${shq(`rig: ${r.id} is still not satisfied after its steps ran`)} >&2; exit 1`, true);
}

// The definitions a script of these units needs before them: the function that judges versions, when a check wants one.
export function unitHelpers(units: readonly Unit[]): string[] {
  return units.some((u) => u.work && u.recipes.some((r) => r.check?.wants)) ? [WANTS_FUNCTION] : [];
}

// The units an export runs: every recipe that is not skipped and has steps, apt-only neighbours sharing one apt-get,
// as rig apply runs them on a box where nothing is installed. A recipe blocked here is refused.
export function exportProgram(plan: Plan): Unit[] {
  const blocked = plan.recipes.filter((r) => !r.skip && r.blocked);
  if (blocked.length) throw new UserErrors(blocked.map((r) => new UserError(`${r.id} cannot be installed here: ${r.blocked}`, r.file)));
  return programOf(plan.recipes, plan, (r) => !r.skip && r.steps.length > 0);
}

// A unit as shell: each step behind its guard (with the env prelude again after an env step), then each recipe's
// check and verify commands.
export function unitLines(unit: Unit, prelude: string): string[] {
  const out: string[] = [];
  const joined = unit.recipes.length > 1;
  for (const { recipe, index, step } of unit.steps) {
    const where = joined ? '' : `${recipe.id} [${index + 1}/${recipe.steps.length}] `;
    out.push(`echo ${shq(`==> ${where}${step.title}`)}`, ...guardedStep(step));
    if (step.kind === 'env') out.push(prelude);
  }
  for (const r of unit.recipes) out.push(...checkAfter(r), ...r.verify.map((v) => v.script));
  return out;
}
