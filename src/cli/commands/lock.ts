import { resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { one } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { READ_FLEET_FLAGS, READ_FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';
import { lockOn, writeLock } from '../lock-write.js';
import { openSession } from '../session.js';

// rig lock: record what a box's recipes resolved to.
export const command: Command = {
  usage: `Usage: rig lock RECIPE… [-o FILE] [flags]

Record, read-only, what the recipes resolved to on the target as it is now (after rig apply):
the params and derived choices of each recipe and the box facts that chose them; the installed
version of every apt package their steps name; every distribution pip installed for each
interpreter or venv their pip steps use; each download's digest and each clone's commit, with
URLs as the recipes give them (not the mirror's). Every map is sorted and nothing in the file
is a time: the same box gives the same file. Refused (exit 1, naming them) when a recipe is
not satisfied on the target, or something cannot be pinned.

With -i INVENTORY: each host's own lock, written to DIR/HOST.lock (-o DIR, default locks),
for rig apply -i INVENTORY --locked DIR; exit 1 when a host could not be locked.

Flags:
  -o, --output FILE         where to write the lock (default rig.lock; with -i, the folder, default locks)
${PLAN_FLAGS_HELP.split('\n').filter((l) => !l.startsWith('  --facts')).join('\n')}
${READ_FLEET_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, output: { type: 'string', short: 'o' }, ...READ_FLEET_FLAGS },
  async run(args) {
    if (args.values.facts !== undefined) throw new UserError('lock reads the target itself; --facts cannot stand in for it', '--facts');
    if (args.values.inventory !== undefined) {
      const { lockFleet } = await import('../fleet-lock.js');
      return lockFleet(args);
    }
    refuseFleetFlagsAlone(args);
    const file = resolve(one(args.values.output) ?? 'rig.lock');
    const session = await openSession(args, 'lock', true);
    try {
      const locked = await lockOn(session, args.positionals);
      if ('problems' in locked) {
        for (const p of locked.problems) process.stderr.write(`rig: ${p}\n`);
        return EXIT.FAILED;
      }
      process.stdout.write(`${writeLock(file, locked.lock, session, args.positionals)}\n`);
      return EXIT.OK;
    } finally {
      await session.target.close();
    }
  },
};
