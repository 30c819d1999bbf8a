import { describeFacts } from '../../facts/parse.js';
import type { Plan } from '../../plan/types.js';
import { selectReporter } from '../../report/select.js';
import type { RunEvent } from '../../run/events.js';
import { probePlan } from '../../run/probe.js';
import { Redactor } from '../../run/redact.js';
import { Runner } from '../../run/runner.js';
import { runLogDir, stateDir } from '../../run/state-dir.js';
import { needsWork, type RecipeStatus } from '../../run/status.js';
import { UserError, UserErrors } from '../../errors.js';
import { one } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../session.js';
import { join } from 'node:path';

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

function parseRetries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--retries ${value}: expected a whole number`, '--retries');
  return Number(value);
}

// rig apply: install what is missing or at the wrong version.
export const command: Command = {
  summary: 'install what is missing or at the wrong version',
  usage: `Usage: rig apply RECIPE… [flags]

Check every recipe of the plan (one read-only batch), then for each one that is missing
or at the wrong version run its steps in order (each skipped when its guard says it is
already done), check again, and run its verify commands. A second apply of the same
request runs no step. Logs of every step are kept (the path is printed).

Flags:
  --json                    print events as NDJSON
  --verbose                 show the output of every step as it runs
  --retries N               retries for every step (default: per step kind)
${PLAN_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, retries: { type: 'string' } },
  async run(args) {
    const started = Date.now();
    const retries = parseRetries(one(args.values.retries));
    const session = await openSession(args, 'apply');
    const { plan, target, secrets } = session;
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const statuses = await probePlan(plan, target, secrets);
      refuseBlocked(plan, statuses);
      requireSecrets(plan, statuses, secrets);
      const reporter = await selectReporter({ json: args.values.json === true, verbose: args.values.verbose === true });
      const logDir = runLogDir(stateDir());
      const emit = (e: RunEvent) => reporter.emit(e);
      emit({ type: 'run-start', target: target.name, machine: describeFacts(plan.facts), recipes: plan.recipes.map((r) => ({ id: r.id, status: statuses.get(r.id)!, steps: r.steps.length })), logDir });
      const runner = new Runner(plan, target, {
        emit, logDir, cacheDir: join(stateDir(), 'cache', 'downloads'), redactor: new Redactor(Object.values(secrets)), env: secrets, signal: controller.signal,
        ...(retries !== undefined ? { retries } : {}),
      });
      let result;
      try {
        result = await runner.apply(statuses);
      } catch (err) {
        if (!controller.signal.aborted) throw err;
        result = { ok: false, ran: 0, installed: [] };
      }
      const states = [...statuses.values()];
      const interrupted = controller.signal.aborted ? String(controller.signal.reason) : undefined;
      emit({
        type: 'run-done', ok: result.ok, ran: result.ran,
        installed: result.installed,
        satisfied: states.filter((s) => s.state === 'satisfied').length, skipped: states.filter((s) => s.state === 'skipped').length,
        ms: Date.now() - started, logDir, ...(result.failed ? { failed: result.failed } : {}), ...(interrupted ? { interrupted } : {}),
      });
      await reporter.close();
      if (interrupted) return interrupted === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
      return result.ok ? EXIT.OK : EXIT.FAILED;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await target.close();
    }
  },
};
