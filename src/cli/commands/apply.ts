import { ExitError, UserError } from '../../errors.js';
import { selectReporter } from '../../report/select.js';
import { applyPlan } from '../../run/apply-plan.js';
import { LockHeld } from '../../run/lock.js';
import { claimSignals } from '../../targets/cleanup.js';
import { one } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { LOCKED_FLAG, LOCKED_FLAG_HELP } from '../locked.js';
import { openSession } from '../session.js';
import { constants } from 'node:os';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const LOCK_EVENTS = {
  onWait: (h: { pid: number }) => process.stderr.write(`rig: waiting for another rig (pid ${h.pid}) applying to this target to finish…\n`),
  onTakeover: (h: { pid: number }) => process.stderr.write(`rig: taking over the lock of rig pid ${h.pid}, which is gone\n`),
  onUnreadable: (file: string, why: string) => process.stderr.write(`rig: ${file}: not a lock file this rig writes (${why}); taking it over as stale\n`),
};

function reportLocked(err: LockHeld): number {
  process.stderr.write(`rig: ${err.message}; not waiting (--no-wait)\n`);
  return EXIT.LOCKED;
}

function parseRetries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--retries ${value}: expected a whole number`, '--retries');
  return Number(value);
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
${PLAN_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, ...LOCKED_FLAG, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, retries: { type: 'string' }, 'no-wait': { type: 'boolean' }, commit: { type: 'string' } },
  async run(args) {
    const started = Date.now();
    const retries = parseRetries(one(args.values.retries));
    const session = await openSession(args, 'apply', true);
    const { plan, target, secrets } = session;
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    // `on`, not `once`: a listener left alone (signal-exit's, which listr2's cursor handling adds) would end the process.
    for (const signal of SIGNALS) process.on(signal, onSignal);
    const unclaimSignals = claimSignals(SIGNALS);
    try {
      const result = await applyPlan({
        plan, target, probe: session.probe, makePlan: session.makePlan, secrets, argv: process.argv.slice(2),
        wait: args.values['no-wait'] !== true, lockEvents: LOCK_EVENTS, signal: controller.signal, started, ...(retries !== undefined ? { retries } : {}),
        openReport: () => selectReporter({ json: args.values.json === true, verbose: args.values.verbose === true }),
        note: (line) => process.stderr.write(`rig: ${line}\n`),
      }).catch((err: unknown) => {
        if (err instanceof LockHeld) throw new ExitError(reportLocked(err));
        throw err;
      });
      const commitTag = one(args.values.commit);
      if (result.ok && commitTag) await target.commit(commitTag);
      const interrupted = result.interrupted ? String(controller.signal.reason ?? 'SIGINT') : undefined;
      if (interrupted) return 128 + (constants.signals[interrupted as NodeJS.Signals] ?? 2);
      return result.ok ? EXIT.OK : EXIT.FAILED;
    } finally {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      unclaimSignals();
      await target.close();
    }
  },
};
