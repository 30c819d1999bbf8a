import { ExitError } from '../../errors.js';
import { selectReporter } from '../../report/select.js';
import { applyPlan } from '../../run/apply-plan.js';
import { LockHeld } from '../../run/lock.js';
import { one, parseRetries } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { LOCKED_FLAG, LOCKED_FLAG_HELP } from '../locked.js';
import { FLEET_FLAGS, FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';
import { openSession } from '../session.js';
import { stoppedExit, whileStoppable } from '../stop-signals.js';

// What apply says about the target's lock: waiting for another rig, or taking over from one that is gone.
const LOCK_EVENTS = {
  onWait: (h: { pid: number }) => process.stderr.write(`rig: waiting for another rig (pid ${h.pid}) applying to this target to finish…\n`),
  onTakeover: (h: { pid: number }) => process.stderr.write(`rig: taking over the lock of rig pid ${h.pid}, which is gone\n`),
  onUnreadable: (file: string, why: string) => process.stderr.write(`rig: ${file}: not a lock file this rig writes (${why}); taking it over as stale\n`),
};

function reportLocked(err: LockHeld): number {
  process.stderr.write(`rig: ${err.message}; not waiting (--no-wait)\n`);
  return EXIT.LOCKED;
}

// rig apply: install what is missing or at the wrong version.
export const command: Command = {
  usage: `Usage: rig apply RECIPE… [flags]

Check every recipe of the plan (one read-only batch), then for each one that is missing
or at the wrong version run its steps in order (each skipped when its guard says it is
already done), check again, and run its verify commands. A second apply of the same
request runs no step. Logs of every step are kept (the path is printed).

Flags:
  --json                    print events as NDJSON
  --verbose                 show the output of every step as it runs
  --retries N               retries for every step (default: per step kind)
  --no-wait                 fail at once (exit 3) when another rig is applying to the target
  --commit TAG              after a successful apply in a container, save it as the image TAG
${LOCKED_FLAG_HELP}
${PLAN_FLAGS_HELP}
${FLEET_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, ...LOCKED_FLAG, ...FLEET_FLAGS, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, retries: { type: 'string' }, 'no-wait': { type: 'boolean' }, commit: { type: 'string' } },
  async run(args) {
    if (args.values.inventory !== undefined) {
      const { applyFleet } = await import('../fleet-apply.js');
      return applyFleet(args);
    }
    refuseFleetFlagsAlone(args);
    const started = Date.now();
    const retries = parseRetries(one(args.values.retries));
    const session = await openSession(args, 'apply', true);
    const { plan, target, secrets } = session;
    try {
      return await whileStoppable(async (signal) => {
        const result = await applyPlan({
          plan, target, probe: session.probe, makePlan: session.makePlan, secrets, argv: process.argv.slice(2),
          wait: args.values['no-wait'] !== true, lockEvents: LOCK_EVENTS, signal, started, ...(retries !== undefined ? { retries } : {}),
          openReport: () => selectReporter({ json: args.values.json === true, verbose: args.values.verbose === true }),
          note: (line) => process.stderr.write(`rig: ${line}\n`),
        }).catch((err: unknown) => {
          if (err instanceof LockHeld) throw new ExitError(reportLocked(err));
          throw err;
        });
        const commitTag = one(args.values.commit);
        if (result.ok && commitTag) await target.commit(commitTag);
        if (result.interrupted) return stoppedExit(signal);
        return result.ok ? EXIT.OK : EXIT.FAILED;
      });
    } finally {
      await target.close();
    }
  },
};
