import { describeFacts } from '../facts/parse.js';
import type { Plan } from '../plan/types.js';
import type { RecipeStatus } from '../run/status.js';
import { needsWork } from '../run/status.js';
import { fetchScript } from '../steps/download.js';
import { describeStatus, MARK } from './describe.js';

function indent(text: string, prefix: string): string {
  return text.split('\n').map((l) => prefix + l).join('\n');
}

// Count recipes by what apply would do with them.
function planSummary(plan: Plan, statuses: Map<string, RecipeStatus>): string {
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

// The dry run as text: each recipe in order with its status, and every command that would run.
export function renderPlanText(plan: Plan, statuses: Map<string, RecipeStatus>, targetName: string): string {
  const out: string[] = [`Plan for ${plan.request.names.join(' ')} on ${targetName}: ${describeFacts(plan.facts)}`];
  if (plan.request.mirror.name) out.push(`Mirror: ${plan.request.mirror.name}`);
  out.push('');
  const width = Math.max(...plan.recipes.map((r) => r.id.length));
  for (const r of plan.recipes) {
    const status = statuses.get(r.id)!;
    const work = needsWork(status);
    const steps = work ? ` — ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}` : '';
    out.push(`${MARK[status.state]} ${r.id.padEnd(width)}  ${describeStatus(status)}${steps}`);
    for (const note of r.notes) out.push(`    note: ${note}`);
    if (!work) continue;
    r.steps.forEach((s, i) => {
      out.push(`    ${i + 1}. ${s.title}`);
      if (s.guard) out.push(indent(s.guard, '       skip if: '));
      out.push(indent(s.fetch ? `${fetchScript(s.fetch)}\n${s.script}` : s.script, '       $ '));
    });
    if (r.check) out.push(indent(r.check.script, '    then check: '));
    for (const v of r.verify) out.push(indent(v.script, '    verify: '));
  }
  out.push('', planSummary(plan, statuses));
  return out.join('\n');
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
      steps: r.steps.map((s) => ({ kind: s.kind, title: s.title, guard: s.guard ?? null, script: s.script, fetch: s.fetch ?? null, root: s.root, timeoutMs: s.timeoutMs, retries: s.retries })),
      verify: r.verify.map((v) => ({ script: v.script, expect: v.expect?.source ?? null })),
    })),
    summary: planSummary(plan, statuses),
  };
}
