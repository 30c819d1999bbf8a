import { FACTS_SCRIPT } from '../facts/script.js';
import { gatherFacts } from '../facts/gather.js';
import { parseFacts } from '../facts/parse.js';
import type { Facts } from '../facts/types.js';
import { answerOf, PIP_VERSIONS_PY } from '../plan/typed-checks.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { aptInstalled } from '../steps/apt.js';
import type { RenderedStep } from '../steps/types.js';
import { shjoin, shq } from '../shell/quote.js';
import { envPrelude } from '../steps/prelude.js';
import type { Target } from '../targets/target.js';
import { runBatch, type BatchItem, type BatchResult } from './batch.js';
import { journalSchema } from './journal.js';
import { Redactor } from './redact.js';
import { judgeCheck, judgeGuards, unprobedStatus, withBlock, withUnfinished, type RecipeStatus } from './status.js';

// What a probe found: each recipe's status, and which step guards held (by "recipe id\0step index").
export interface Probe {
  statuses: Map<string, RecipeStatus>;
  guards: Map<string, boolean>;
  // The target's journal as the probe read it ('' when there is none); absent when nothing was probed.
  journal?: string;
}

const FACTS_KEY = '\0facts';
const DPKG_KEY = '\0dpkg';
const PIP_KEY = '\0pip\0';
const JOURNAL_KEY = '\0journal';

// Whether the probe asks for this step's guard: every step of a recipe without a check, and downloads (so the runner
// need not ask again).
function guardProbed(r: PlannedRecipe, s: RenderedStep): boolean {
  return !r.check || Boolean(s.fetch?.digest && s.guard);
}

// The read-only commands of a plan: every check, and the guards the probe asks for (an apt step's is answered by the
// plan's one dpkg query).
function probeItems(plan: Plan): BatchItem[] {
  const items: BatchItem[] = [...queryItems(plan), { key: JOURNAL_KEY, file: `${plan.facts.stateDir}/journal.json` }];
  for (const r of plan.recipes) {
    if (r.skip) continue;
    if (r.check && !r.check.query) items.push({ key: `${r.id}\0check`, script: r.check.script });
    r.steps.forEach((s, i) => {
      if (guardProbed(r, s) && !s.apt) items.push({ key: `${r.id}\0${i}`, script: s.guard ?? 'false' });
    });
  }
  return items;
}

// One item per kind of typed check: a dpkg-query for every package the plan's dpkg checks and probed apt guards name,
// and a Python per interpreter for every distribution its pip checks name.
function queryItems(plan: Plan): BatchItem[] {
  const dpkg = new Set<string>();
  const pip = new Map<string, Set<string>>();
  for (const r of plan.recipes) {
    const query = r.skip ? undefined : r.check?.query;
    if (query?.kind === 'dpkg') query.names.forEach((n) => dpkg.add(n));
    if (query?.kind === 'pip') query.names.forEach((n) => pip.set(query.python, (pip.get(query.python) ?? new Set()).add(n)));
    if (!r.skip) for (const s of r.steps) if (s.apt && guardProbed(r, s)) s.apt.packages.forEach((p) => dpkg.add(p.replace(/=.*/, '')));
  }
  const items: BatchItem[] = [];
  if (dpkg.size) items.push({ key: DPKG_KEY, script: `dpkg-query -W -f='\${Package}\\t\${db:Status-Status}\\t\${Version}\\n' ${shjoin([...dpkg])} 2>/dev/null; true` });
  for (const [python, names] of pip) items.push({ key: `${PIP_KEY}${python}`, script: `${shq(python)} -c ${shq(PIP_VERSIONS_PY)} ${shjoin([...names])} 2>/dev/null; true` });
  return items;
}

// Installed versions by name from a query item's output ("name<TAB>version" lines; dpkg's also carry the status).
function versionsFrom(res: BatchResult | undefined, kind: 'dpkg' | 'pip'): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of res?.output.split('\n') ?? []) {
    const cols = line.split('\t');
    if (kind === 'dpkg' && cols[1] === 'installed' && cols[2]) found.set(cols[0]!, cols[2]);
    if (kind === 'pip' && cols[1]) found.set(cols[0]!, cols[1]);
  }
  return found;
}

function checkResult(r: PlannedRecipe, results: Map<string, BatchResult>): BatchResult {
  const query = r.check!.query;
  if (!query) return results.get(`${r.id}\0check`)!;
  const found = query.kind === 'dpkg' ? versionsFrom(results.get(DPKG_KEY), 'dpkg') : versionsFrom(results.get(`${PIP_KEY}${query.python}`), 'pip');
  const byName = new Map(query.names.map((n) => [n, found.get(n.replace(/:.*/, '')) ?? found.get(n) ?? '']));
  return answerOf(r.check!, byName);
}

// Recipes whose last run on the target did not finish after their steps, from its journal (one rig cannot read is none here).
function unfinishedOf(res: BatchResult | undefined): Record<string, string> {
  try {
    return journalSchema.safeParse(JSON.parse(res?.output ?? '')).data?.unfinished ?? {};
  } catch {
    return {};
  }
}

function judge(plan: Plan, results: Map<string, BatchResult>, redactor: Redactor): Probe {
  const statuses = new Map<string, RecipeStatus>();
  const unfinished = unfinishedOf(results.get(JOURNAL_KEY));
  const guards = new Map<string, boolean>();
  for (const [key, res] of results) if (key.includes('\0') && !key.startsWith('\0') && !key.endsWith('\0check')) guards.set(key, res.code === 0);
  const installed = versionsFrom(results.get(DPKG_KEY), 'dpkg');
  for (const r of plan.recipes) r.steps.forEach((s, i) => {
    if (!r.skip && s.apt && guardProbed(r, s)) guards.set(`${r.id}\0${i}`, aptInstalled(s.apt.packages, installed));
  });
  for (const r of plan.recipes) {
    if (r.skip || (!r.check && r.steps.length === 0)) statuses.set(r.id, unprobedStatus(r));
    else if (r.check) {
      const res = checkResult(r, results);
      statuses.set(r.id, withBlock(r, withUnfinished(judgeCheck(r.check, res.code, res.output, redactor), unfinished[r.id])));
    } else statuses.set(r.id, withBlock(r, withUnfinished(judgeGuards(r, r.steps.map((_, i) => guards.get(`${r.id}\0${i}`) === true)), unfinished[r.id])));
  }
  return { statuses, guards, journal: results.get(JOURNAL_KEY)?.output ?? '' };
}

// Run every check of a plan (and the guards it needs) in one read-only batch on the target; `env` (the secrets) is
// hidden in what the statuses say.
export async function probePlan(plan: Plan, target: Target, env: Record<string, string> = {}): Promise<Probe> {
  return judge(plan, await runBatch(target, envPrelude(plan.facts), probeItems(plan), { env, cpus: plan.facts.cpus }), new Redactor(Object.values(env)));
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
    const results = await runBatch(target, envPrelude((plan ?? { facts: guess }).facts), plan ? probeItems(plan) : [], { env, first, cpus: guess.cpus });
    // Facts the batch could not gather are gathered alone, which says why they cannot be.
    const found = results.get(FACTS_KEY)!;
    fresh = found.code === 0 ? parseFacts(found.output, target.name) : undefined;
    if (plan && fresh && JSON.stringify(fresh) === JSON.stringify(guess)) return { plan, facts: fresh, ...judge(plan, results, new Redactor(Object.values(env))) };
  }
  const facts = fresh ?? (await gatherFacts(target));
  const plan = makePlan(facts);
  return { plan, facts, ...(await probePlan(plan, target, env)) };
}
