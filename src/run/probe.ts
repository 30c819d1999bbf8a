import { FACTS_SCRIPT } from '../facts/script.js';
import { gatherFacts } from '../facts/gather.js';
import { parseFacts } from '../facts/parse.js';
import type { Facts } from '../facts/types.js';
import type { Plan } from '../plan/types.js';
import { envPrelude } from '../steps/prelude.js';
import type { Target } from '../targets/target.js';
import { runBatch, type BatchItem, type BatchResult } from './batch.js';
import { judgeCheck, judgeGuards, unprobedStatus, withBlock, type RecipeStatus } from './status.js';

// What a probe found: each recipe's status, and which step guards held (by "recipe id\0step index").
export interface Probe {
  statuses: Map<string, RecipeStatus>;
  guards: Map<string, boolean>;
}

const FACTS_KEY = '\0facts';

// The read-only commands of a plan: every check, the guards of recipes without one, and the guards of downloads (so the runner need not ask again).
function probeItems(plan: Plan): BatchItem[] {
  const items: BatchItem[] = [];
  for (const r of plan.recipes) {
    if (r.skip) continue;
    if (r.check) items.push({ key: `${r.id}\0check`, script: r.check.script });
    r.steps.forEach((s, i) => {
      if (!r.check || (s.fetch?.digest && s.guard)) items.push({ key: `${r.id}\0${i}`, script: s.guard ?? 'false' });
    });
  }
  return items;
}

function judge(plan: Plan, results: Map<string, BatchResult>): Probe {
  const statuses = new Map<string, RecipeStatus>();
  const guards = new Map<string, boolean>();
  for (const [key, res] of results) if (key !== FACTS_KEY && !key.endsWith('\0check')) guards.set(key, res.code === 0);
  for (const r of plan.recipes) {
    if (r.skip || (!r.check && r.steps.length === 0)) statuses.set(r.id, unprobedStatus(r));
    else if (r.check) {
      const res = results.get(`${r.id}\0check`)!;
      statuses.set(r.id, withBlock(r, judgeCheck(r.check, res.code, res.output)));
    } else statuses.set(r.id, withBlock(r, judgeGuards(r, r.steps.map((_, i) => guards.get(`${r.id}\0${i}`) === true))));
  }
  return { statuses, guards };
}

// Run every check of a plan (and the guards it needs) in one read-only batch on the target.
export async function probePlan(plan: Plan, target: Target, env: Record<string, string> = {}): Promise<Probe> {
  return judge(plan, await runBatch(target, envPrelude(plan.facts), probeItems(plan), env));
}

// A plan and what its probe found, with the facts it was built on.
export interface ProbedPlan extends Probe {
  plan: Plan;
  facts: Facts;
}

// Facts and checks in one round trip when the facts last seen on this target still hold (the plan is built on them,
// then confirmed by the facts gathered in the same batch); otherwise gather facts, plan, and probe again.
export async function probeWithFacts(target: Target, makePlan: (facts: Facts) => Plan, guess: Facts | undefined, env: Record<string, string> = {}): Promise<ProbedPlan> {
  let fresh: Facts | undefined;
  if (guess) {
    let plan: Plan | undefined;
    try {
      plan = makePlan(guess);
    } catch {
      // the old facts do not plan; the fresh ones will say why
    }
    const first = [{ key: FACTS_KEY, script: FACTS_SCRIPT }];
    const results = await runBatch(target, envPrelude((plan ?? { facts: guess }).facts), plan ? probeItems(plan) : [], env, first);
    fresh = parseFacts(results.get(FACTS_KEY)!.output);
    if (plan && JSON.stringify(fresh) === JSON.stringify(guess)) return { plan, facts: fresh, ...judge(plan, results) };
  }
  const facts = fresh ?? (await gatherFacts(target));
  const plan = makePlan(facts);
  return { plan, facts, ...(await probePlan(plan, target, env)) };
}
