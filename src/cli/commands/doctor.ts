import { UserError } from '../../errors.js';
import { openArgsTarget } from '../args-target.js';
import { RECIPE_FLAGS, type Command } from '../command.js';
import { doctorLocked } from '../doctor-locked.js';
import { doctorReport, doctorSources } from '../doctor-report.js';
import { READ_FLEET_FLAGS, READ_FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';
import { LOCKED_FLAG } from '../locked.js';

// rig doctor: every recipe's status on the target, from one plan probed in one batch.
export const command: Command = {
  usage: `Usage: rig doctor [RECIPE…] [--json] [--target TARGET | -i INVENTORY] [--mirror NAME] [--recipes DIR]
       rig doctor --locked FILE [RECIPE… --set RECIPE.PARAM=VALUE…] [--json] [--target TARGET | -i INVENTORY]

Show every recipe (stacks aside), or those named and what they require, with its default
params: satisfied, missing, wrong version (what was found, and where when its check says,
vs what is wanted), the state of the service it starts, skipped or blocked here, and why.
All checks run read-only in one batch on the target. A recipe that cannot be planned with
its default params (one that needs a param, say) is listed with the reason. Secret params are read from RIG_SECRET_*
variables; their values show as ***.

With --locked FILE: the drift of the target from a lock (rig lock) instead, for the lock's
recipes and params (or the RECIPE… named): each apt package, pip distribution and clone
not at the locked version, the distributions pip installed that the lock lacks, and what
would stop the lock being replayed; exit 1 when there is any.

With -i INVENTORY: each host's, under its name (--json: an object by host name, null for a
host not reached); --locked DIR reads each host's own DIR/HOST.lock (rig lock -i). Exit 1
when a host could not be reached, or (--locked) differs from its lock.

Flags:
${READ_FLEET_FLAGS_HELP}`,
  flags: { ...RECIPE_FLAGS, ...LOCKED_FLAG, json: { type: 'boolean' }, target: { type: 'string' }, mirror: { type: 'string' }, set: { type: 'string', multiple: true }, ...READ_FLEET_FLAGS },
  async run(args) {
    if (args.values.set !== undefined && args.values.locked === undefined) throw new UserError('--set goes with --locked FILE RECIPE…: doctor checks every recipe with its default params', '--set');
    if (args.values.inventory !== undefined) {
      const { doctorFleet } = await import('../doctor-fleet.js');
      return doctorFleet(args);
    }
    refuseFleetFlagsAlone(args);
    if (args.values.locked !== undefined) return doctorLocked(args);
    const sources = doctorSources(args);
    const target = await openArgsTarget(args);
    try {
      const { text, json } = await doctorReport(target, sources);
      process.stdout.write(args.values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
