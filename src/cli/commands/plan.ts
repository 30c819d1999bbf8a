import { planJson, renderPlanText } from '../../report/plan-text.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { LOCKED_FLAG, LOCKED_FLAG_HELP } from '../locked.js';
import { FLEET_FLAGS, FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';
import { openSession } from '../session.js';

// rig plan: the dry run.
export const command: Command = {
  usage: `Usage: rig plan RECIPE… [flags]

Show, without changing anything, what rig apply would do: each recipe in dependency
order with its status (satisfied, missing, wrong version, skipped and why), and every
command that would run. Checks run read-only on the target unless --no-probe.
Exits 4 when a recipe of the plan cannot be installed here (blocked, with the reason).

Flags:
  --json                    print the plan as JSON
  --no-probe                run no checks; list every command as if nothing were installed
${LOCKED_FLAG_HELP}
${PLAN_FLAGS_HELP}
${FLEET_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, ...LOCKED_FLAG, ...FLEET_FLAGS, json: { type: 'boolean' }, 'no-probe': { type: 'boolean' } },
  async run(args) {
    if (args.values.inventory !== undefined) {
      const { planFleet } = await import('../fleet-plan.js');
      return planFleet(args);
    }
    refuseFleetFlagsAlone(args);
    const session = await openSession(args, 'plan', !args.values['no-probe']);
    try {
      const { plan, target } = session;
      const { statuses } = session.probe;
      const out = args.values.json ? JSON.stringify(planJson(plan, statuses, target.name), null, 2) : renderPlanText(plan, statuses, target.name);
      process.stdout.write(`${out}\n`);
      return [...statuses.values()].some((s) => s.state === 'blocked') ? EXIT.BLOCKED : EXIT.OK;
    } finally {
      await session.target.close();
    }
  },
};
