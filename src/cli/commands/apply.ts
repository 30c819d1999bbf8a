import { describeFacts } from '../../facts/parse.js';
import type { Plan } from '../../plan/types.js';
import { selectReporter } from '../../report/select.js';
import type { RunEvent } from '../../run/events.js';
import { Redactor } from '../../run/redact.js';
import { Runner } from '../../run/runner.js';
import { runLogDir, stateDir } from '../../state-dir.js';
import { needsWork, type RecipeStatus } from '../../run/status.js';
import { ExitError, UserError, UserErrors } from '../../errors.js';
import type { Facts } from '../../facts/types.js';
import { Journal, readJournal } from '../../run/journal.js';
import { probePlan } from '../../run/probe.js';
import { redecide } from '../../run/redecide.js';
import { LockHeld, TargetLock } from '../../run/lock.js';
import { shjoin } from '../../shell/quote.js';
import { claimSignals } from '../../targets/cleanup.js';
import { one } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../session.js';
import { constants } from 'node:os';
import { join } from 'node:path';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function refuseBlocked(plan: Plan, statuses: Map<string, RecipeStatus>): void {
  const blocked = plan.recipes.filter((r) => statuses.get(r.id)!.state === 'blocked');
  if (blocked.length) throw new UserErrors(blocked.map((r) => new UserError(`${r.id} cannot be installed here: ${r.blocked}`, r.file)));
}

function requireSecrets(plan: Plan, statuses: Map<string, RecipeStatus>, secrets: Record<string, string>): void {
  for (const r of plan.recipes) {
    if (!needsWork(statuses.get(r.id)!)) continue;
    for (const [name, value] of Object.entries(r.params)) {
      if (typeof value === 'object' && !secrets[value.env]) {
        throw new UserError(`${r.name}.${name} is secret and has no value: --set ${r.name}.${name}=… or ${value.env} in the environment`, '--set');
      }
    }
  }
}

// Where the lock of a target lives: in the target's own state directory for this machine, else in rig's.
function lockPath(targetName: string, facts: Facts): string {
  return targetName === 'local' ? join(facts.stateDir, 'lock') : join(stateDir(), 'locks', `${targetName.replace(/[^\w.-]+/g, '_')}.lock`);
}

async function takeLock(path: string, wait: boolean): Promise<TargetLock> {
  try {
    return await TargetLock.acquire(path, wait, {
      onWait: (h) => process.stderr.write(`rig: waiting for another rig (pid ${h.pid}) applying to this target to finish…\n`),
      onTakeover: (h) => process.stderr.write(`rig: taking over the lock of rig pid ${h.pid}, which is gone${h.stoppedGroup ? `; stopped the step it left running (process group ${h.stoppedGroup})` : ''}\n`),
      onUnreadable: (file, why) => process.stderr.write(`rig: ${file}: not a lock file this rig writes (${why}); taking it over as stale\n`),
    });
  } catch (err) {
    if (err instanceof LockHeld) throw new ExitError(reportLocked(err));
    throw err;
  }
}

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
${PLAN_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, retries: { type: 'string' }, 'no-wait': { type: 'boolean' }, commit: { type: 'string' } },
  async run(args) {
    const started = Date.now();
    const retries = parseRetries(one(args.values.retries));
    const session = await openSession(args, 'apply', true);
    const { plan, target, secrets } = session;
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    for (const signal of SIGNALS) process.once(signal, onSignal);
    const unclaimSignals = claimSignals(SIGNALS);
    let lock: TargetLock | undefined;
    try {
      lock = await takeLock(lockPath(target.name, plan.facts), args.values['no-wait'] !== true);
      const { statuses, guards } = lock.contended ? await probePlan(plan, target, secrets) : session.probe;
      refuseBlocked(plan, statuses);
      requireSecrets(plan, statuses, secrets);
      const reporter = await selectReporter({ json: args.values.json === true, verbose: args.values.verbose === true });
      const logDir = runLogDir(stateDir());
      const emit = (e: RunEvent) => reporter.emit(e);
      const journalPath = `${plan.facts.stateDir}/journal.json`;
      const redactor = new Redactor(Object.values(secrets));
      const command = redactor.redact(shjoin(process.argv.slice(2)));
      const work = plan.recipes.some((r) => needsWork(statuses.get(r.id)!));
      const journal = Journal.start(journalPath, target.name, command, work ? await readJournal(target, journalPath, (line) => process.stderr.write(`rig: ${line}\n`)) : undefined);
      emit({ type: 'run-start', target: target.name, machine: describeFacts(plan.facts), recipes: plan.recipes.map((r) => ({ id: r.id, status: statuses.get(r.id)!, steps: r.steps.length })), logDir });
      const held = lock;
      const runner = new Runner(plan, target, {
        emit, logDir, cacheDir: join(stateDir(), 'cache', 'downloads'), redactor, journal, env: secrets, signal: controller.signal,
        onStepGroup: (group) => held.setStepGroup(group), guards,
        redecide: (providers, reached) => redecide(providers, target, session.makePlan, reached, secrets),
        ...(retries !== undefined ? { retries } : {}),
      });
      const result = await runner.apply(statuses);
      const states = [...statuses.values()];
      const interrupted = result.interrupted ? String(controller.signal.reason ?? 'SIGINT') : undefined;
      emit({
        type: 'run-done', ok: result.ok, ran: result.ran, installed: result.installed,
        satisfied: states.filter((s) => s.state === 'satisfied').length, skipped: states.filter((s) => s.state === 'skipped').length,
        ms: Date.now() - started, logDir, ...(result.failed ? { failed: result.failed } : {}), ...(interrupted ? { interrupted } : {}),
        ...(result.ok ? {} : { resume: `rig ${command}` }),
      });
      await reporter.close();
      const commitTag = one(args.values.commit);
      if (result.ok && commitTag) await target.commit(commitTag);
      if (interrupted) return 128 + (constants.signals[interrupted as NodeJS.Signals] ?? 2);
      return result.ok ? EXIT.OK : EXIT.FAILED;
    } finally {
      lock?.release();
      for (const signal of SIGNALS) process.off(signal, onSignal);
      unclaimSignals();
      await target.close();
    }
  },
};
