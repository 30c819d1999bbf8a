import { describeFacts } from '../facts/parse.js';
import type { Plan } from '../plan/types.js';
import type { RecipeStatus } from '../run/status.js';
import { planBlocks, planSummary } from './plan-text.js';

// One host's probed plan.
export interface PlannedHost {
  host: string;
  target: string;
  plan: Plan;
  statuses: Map<string, RecipeStatus>;
}

// One host's probed plan, or why it has none.
export type HostPlan = PlannedHost | { host: string; target: string; reason: string };

// A set of hosts whose plans are the same, line for line.
export interface PlanGroup {
  hosts: string[];
  plans: PlannedHost[];
  blocks: { id: string; lines: string[] }[];
}

// Group the hosts that have a plan by what it is, in the order the first of each was listed.
export function groupPlans(plans: readonly HostPlan[]): PlanGroup[] {
  const groups = new Map<string, PlanGroup>();
  for (const p of plans) {
    if (!('plan' in p)) continue;
    const blocks = planBlocks(p.plan, p.statuses);
    const key = JSON.stringify(blocks);
    const group = groups.get(key) ?? { hosts: [], plans: [], blocks };
    group.hosts.push(p.host);
    group.plans.push(p);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function hostList(hosts: string[]): string {
  return `${hosts.length > 8 ? `${hosts.slice(0, 8).join(', ')}, … ${hosts.length - 8} more` : hosts.join(', ')} (${hosts.length} host${hosts.length === 1 ? '' : 's'})`;
}

// The dry run on many hosts: each distinct plan once, headed by the hosts it is for and the machines they are; after
// the first, only the recipes whose lines differ from the first plan's; then the hosts that could not be planned.
export function renderFleetPlan(names: string[], plans: readonly HostPlan[]): string {
  const groups = groupPlans(plans);
  const out = [`Plan for ${names.join(' ')} on ${plans.length} host${plans.length === 1 ? '' : 's'}: ${groups.length} different plan${groups.length === 1 ? '' : 's'}`];
  const first = groups[0];
  groups.forEach((g, i) => {
    const machines = [...new Set(g.plans.map((p) => describeFacts(p.plan.facts)))];
    out.push('', `== ${hostList(g.hosts)}`, ...machines.map((m) => `   ${m}`), '');
    const same = i === 0 ? [] : g.blocks.filter((b) => JSON.stringify(first!.blocks.find((f) => f.id === b.id)?.lines) === JSON.stringify(b.lines));
    if (same.length) out.push(`  as for ${first!.hosts[0]}: ${same.map((b) => b.id).join(', ')}`);
    for (const b of g.blocks) if (!same.includes(b)) out.push(...b.lines);
    out.push('', planSummary(g.plans[0]!.plan, g.plans[0]!.statuses));
  });
  const unplanned = plans.filter((p): p is Extract<HostPlan, { reason: string }> => 'reason' in p);
  if (unplanned.length) out.push('', `not planned (${unplanned.length}):`, ...unplanned.map((p) => `  ${p.host}: ${p.reason}`));
  return out.join('\n');
}
