import type { Plan } from '../plan/types.js';
import { envPrelude } from '../steps/prelude.js';
import type { Target } from '../targets/target.js';
import { runBatch, type BatchItem } from './batch.js';
import { judgeCheck, judgeGuards, unprobedStatus, withBlock, type RecipeStatus } from './status.js';

// Run every check of a plan (and the step guards of recipes without one) in one read-only batch; a status per recipe id.
export async function probePlan(plan: Plan, target: Target, env: Record<string, string> = {}): Promise<Map<string, RecipeStatus>> {
  const items: BatchItem[] = [];
  for (const r of plan.recipes) {
    if (r.skip) continue;
    if (r.check) items.push({ key: `${r.id}\0check`, script: r.check.script });
    else r.steps.forEach((s, i) => items.push({ key: `${r.id}\0${i}`, script: s.guard ?? 'false' }));
  }
  const results = await runBatch(target, envPrelude(plan.facts), items, env);
  const statuses = new Map<string, RecipeStatus>();
  for (const r of plan.recipes) {
    if (r.skip || (!r.check && r.steps.length === 0)) statuses.set(r.id, unprobedStatus(r));
    else if (r.check) {
      const res = results.get(`${r.id}\0check`)!;
      statuses.set(r.id, withBlock(r, judgeCheck(r.check, res.code, res.output)));
    } else statuses.set(r.id, withBlock(r, judgeGuards(r, r.steps.map((_, i) => results.get(`${r.id}\0${i}`)!.code === 0))));
  }
  return statuses;
}
