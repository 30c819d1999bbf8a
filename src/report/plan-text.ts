import { describeFacts } from '../facts/parse.js';
import { programOf, type Unit } from '../plan/program.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import type { RenderedStep } from '../steps/types.js';
import type { RecipeStatus } from '../run/status.js';
import { needsWork } from '../run/status.js';
import { fetchScript } from '../steps/download.js';
import { describeStatus, MARK } from './describe.js';
import { shellBlock } from './shell-block.js';

// Count recipes by what apply would do with them.
export function planSummary(plan: Plan, statuses: Map<string, RecipeStatus>): string {
  const n = (pred: (s: RecipeStatus) => boolean) => plan.recipes.filter((r) => pred(statuses.get(r.id)!)).length;
  const parts = [
    `${n((s) => s.state === 'missing')} to install`,
    `${n((s) => s.state === 'wrong')} to change`,
    `${n((s) => s.state === 'satisfied')} satisfied`,
    `${n((s) => s.state === 'skipped')} skipped`,
  ];
  const unchecked = n((s) => s.state === 'unchecked');
  if (unchecked) parts.unshift(`${unchecked} not checked`);
  return parts.join(', ');
}

// The program a probed plan runs (every recipe that is not checked counts as needing work).
export function planProgram(plan: Plan, statuses: Map<string, RecipeStatus>): Unit[] {
  return programOf(plan.recipes, plan, (r) => needsWork(statuses.get(r.id)!));
}

function stepLines(n: number, s: RenderedStep): string[] {
  const out = [`    ${n}. ${s.title}`];
  if (s.guard) out.push(shellBlock(s.guard, 'skip if: ', '       ', true));
  out.push(shellBlock(s.fetch ? `${fetchScript(s.fetch)}\n${s.script}` : s.script, '$ ', '       '));
  return out;
}

// A recipe of a unit that needs work: its steps (or where they were joined), then its check and verify.
function recipeWork(unit: Unit, r: PlannedRecipe): string[] {
  const first = unit.recipes[0]!;
  const out: string[] = [];
  if (r !== first) out.push(`    (its packages install with ${first.id}'s apt-get, above)`);
  else unit.steps.forEach(({ step }, i) => out.push(...stepLines(i + 1, step)));
  if (r.check) out.push(shellBlock(r.check.script, 'then check: ', '    ', true));
  for (const v of r.verify) out.push(shellBlock(v.script, 'verify: ', '    ', true));
  return out;
}

// Each recipe of the dry run in order: its status line, notes, and (when it needs work) every command that would run.
export function planBlocks(plan: Plan, statuses: Map<string, RecipeStatus>): { id: string; lines: string[] }[] {
  const width = Math.max(...plan.recipes.map((r) => r.id.length));
  return planProgram(plan, statuses).flatMap((unit) =>
    unit.recipes.map((r) => {
      const status = statuses.get(r.id)!;
      const steps = unit.work ? ` — ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}` : '';
      const lines = [`${MARK[status.state]} ${r.id.padEnd(width)}  ${describeStatus(status)}${steps}`, ...r.notes.map((note) => `    note: ${note}`)];
      if (unit.work) lines.push(...recipeWork(unit, r));
      return { id: r.id, lines };
    }),
  );
}

// The dry run as text: each recipe in order with its status, and every command that would run.
export function renderPlanText(plan: Plan, statuses: Map<string, RecipeStatus>, targetName: string): string {
  const out: string[] = [`Plan for ${plan.request.names.join(' ')} on ${targetName}: ${describeFacts(plan.facts)}`];
  if (plan.request.mirror.name) out.push(`Mirror: ${plan.request.mirror.name}`);
  out.push('');
  for (const block of planBlocks(plan, statuses)) out.push(...block.lines);
  out.push('', planSummary(plan, statuses));
  return out.join('\n');
}

function stepJson(s: RenderedStep): Record<string, unknown> {
  return { kind: s.kind, title: s.title, guard: s.guard ?? null, script: s.script, fetch: s.fetch ?? null, root: s.root, timeoutMs: s.timeoutMs, retries: s.retries };
}

// The dry run as JSON: facts, and per recipe its status, params (secrets as ***), steps and checks.
export function planJson(plan: Plan, statuses: Map<string, RecipeStatus>, targetName: string): unknown {
  return {
    target: targetName,
    facts: plan.facts,
    mirror: plan.request.mirror.name || null,
    recipes: plan.recipes.map((r) => ({
      id: r.id,
      name: r.name,
      file: r.file,
      status: statuses.get(r.id),
      params: Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, typeof v === 'object' ? '***' : v])),
      requires: r.requires,
      notes: r.notes,
      check: r.check ? { script: r.check.script, pattern: r.check.pattern?.source ?? null, wants: r.check.wants?.text ?? null } : null,
      steps: r.steps.map(stepJson),
      verify: r.verify.map((v) => ({ script: v.script, expect: v.expect?.source ?? null })),
    })),
    // What apply runs, in order: each unit's steps (adjacent apt-only recipes share one), then each recipe's check and verify.
    program: planProgram(plan, statuses).filter((u) => u.work).map((u) => ({
      recipes: u.recipes.map((r) => r.id),
      steps: u.steps.map(({ recipe, index, step }) => ({ recipe: recipe.id, index, ...stepJson(step) })),
    })),
    summary: planSummary(plan, statuses),
  };
}
