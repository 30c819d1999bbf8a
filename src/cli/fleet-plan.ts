import { forEachAtMost } from '../fleet/pool.js';
import { planJson } from '../report/plan-text.js';
import { groupPlans, renderFleetPlan, type HostPlan } from '../report/fleet-plan-text.js';
import type { Parsed } from './args.js';
import { EXIT } from './exit-codes.js';
import { fleetHosts } from './fleet-flags.js';
import { openHostSession } from './fleet-host.js';
import { checkRequest } from './fleet-request.js';
import { lockedFolder, lockedRequest } from './locked.js';

// What the plan is of, in words: the recipes named, else those of the lock (or of each host's own).
function requestWords(args: Parsed): string[] {
  if (args.positionals.length) return args.positionals;
  return lockedFolder(args) ? ["each host's lock"] : lockedRequest(args)?.names ?? [];
}

// rig plan -i INVENTORY: every host's own plan (its facts, its checks), the same plans shown once. Exit 1 when a host
// could not be planned, else 4 when a recipe is blocked on some host, else 0.
export async function planFleet(args: Parsed): Promise<number> {
  checkRequest(args, 'plan');
  const { hosts, forks } = await fleetHosts(args);
  const plans = new Map<string, HostPlan>();
  await forEachAtMost(hosts, forks, async (h) => {
    const opened = await openHostSession(args, 'plan', !args.values['no-probe'], h, Date.now());
    if (!('plan' in opened)) {
      plans.set(h.name, { host: h.name, target: opened.target, reason: opened.reason ?? 'not planned' });
      return;
    }
    try {
      plans.set(h.name, { host: h.name, target: opened.target.name, plan: opened.plan, statuses: opened.probe.statuses });
    } finally {
      await opened.target.close();
    }
  }, () => false, () => undefined);
  const list = hosts.map((h) => plans.get(h.name)!);
  if (args.values.json) {
    const groups = groupPlans(list);
    const group = (host: string) => groups.findIndex((g) => g.hosts.includes(host));
    const json = list.map((p) => ('plan' in p ? { host: p.host, group: group(p.host), ...(planJson(p.plan, p.statuses, p.target) as object) } : { host: p.host, target: p.target, error: p.reason }));
    process.stdout.write(`${JSON.stringify({ hosts: json, groups: groups.map((g) => g.hosts) }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderFleetPlan(requestWords(args), list)}\n`);
  }
  if (list.some((p) => !('plan' in p))) return EXIT.FAILED;
  return list.some((p) => 'plan' in p && [...p.statuses.values()].some((s) => s.state === 'blocked')) ? EXIT.BLOCKED : EXIT.OK;
}
