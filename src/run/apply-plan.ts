import { join } from 'node:path';
import { UserError, UserErrors } from '../errors.js';
import { describeFacts } from '../facts/parse.js';
import type { Facts } from '../facts/types.js';
import type { Plan } from '../plan/types.js';
import { shjoin } from '../shell/quote.js';
import { runLogDir, stateDir } from '../state-dir.js';
import type { Target } from '../targets/target.js';
import type { Emit } from './events.js';
import { Journal, journalFrom, readJournal } from './journal.js';
import { stopLeftSteps } from './leftover.js';
import { lockPath, TargetLock, type LockEvents } from './lock.js';
import { checkStateDirs } from './preflight.js';
import { probePlan, type Probe } from './probe.js';
import { resumeArgs } from './resume-args.js';
import { redecide } from './redecide.js';
import { Redactor } from './redact.js';
import { Runner, type ApplyResult } from './runner.js';
import { needsWork, type RecipeStatus } from './status.js';

// What one apply needs: the probed plan and its target, how to report, and how it may be stopped.
export interface ApplyRequest {
  plan: Plan;
  target: Target;
  probe: Probe;
  // The same request planned on other facts (when a recipe changes the box's).
  makePlan: (facts: Facts) => Plan;
  secrets: Record<string, string>;
  // The command line as the user typed it after `rig` (for the journal and the resume hint).
  argv: string[];
  wait: boolean;
  lockEvents: LockEvents;
  retries?: number;
  signal: AbortSignal;
  // When the command started (Date.now()), for the run's time.
  started: number;
  // Opened once the plan is known to be applicable, so that refusals print as plain errors.
  openReport: () => Promise<{ emit: Emit; close(): Promise<void> }>;
  // Tells the user of a journal set aside.
  note: (line: string) => void;
  // Names the run's log folder apart from the other hosts' of the same run.
  logLabel?: string;
}

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

// Apply a probed plan under the target's lock: refuse what cannot run, keep the journal, run the program, report the
// run from start to done. Throws LockHeld when another rig holds the lock and `wait` is false.
export async function applyPlan(req: ApplyRequest): Promise<ApplyResult> {
  const { plan, target, secrets } = req;
  const logDir = runLogDir(stateDir(), new Date(), req.logLabel);
  if (plan.recipes.some((r) => needsWork(req.probe.statuses.get(r.id)!))) await checkStateDirs(stateDir(), target, plan.facts.stateDir);
  const lock = await TargetLock.acquire(lockPath(target.lockKey, plan.facts), req.wait, req.lockEvents);
  try {
    const journalPath = `${plan.facts.stateDir}/journal.json`;
    // The probe's read of the journal holds unless another rig had the lock since.
    const probed = lock.contended ? undefined : req.probe.journal;
    const previous = probed === undefined ? await readJournal(target, journalPath, req.note) : await journalFrom(probed, target, journalPath, req.note);
    const left = await stopLeftSteps(target, previous, plan.facts);
    for (const s of left) req.note(`stopped the step the last run left running: ${s.recipe} [${s.index + 1}] ${s.title}`);
    const { statuses, guards } = lock.contended || left.length ? await probePlan(plan, target, secrets) : req.probe;
    refuseBlocked(plan, statuses);
    requireSecrets(plan, statuses, secrets);
    const report = await req.openReport();
    const redactor = new Redactor(Object.values(secrets));
    const emit: Emit = (event) => report.emit(redactor.redactAll(event));
    const command = redactor.redact(shjoin(req.argv));
    const journal = Journal.start(journalPath, target.name, command, previous);
    emit({ type: 'run-start', target: target.name, machine: describeFacts(plan.facts), recipes: plan.recipes.map((r) => ({ id: r.id, status: statuses.get(r.id)!, steps: r.steps.length })), logDir });
    const runner = new Runner(plan, target, {
      emit, logDir, cacheDir: join(stateDir(), 'cache', 'downloads'), redactor, journal, env: secrets, signal: req.signal,
      guards,
      redecide: (providers, reached) => redecide(providers, target, req.makePlan, reached, secrets),
      ...(req.retries !== undefined ? { retries: req.retries } : {}),
    });
    const result = await runner.apply(statuses);
    const states = [...statuses.values()];
    const interrupted = result.interrupted ? String(req.signal.reason ?? 'SIGINT') : undefined;
    emit({
      type: 'run-done', ok: result.ok, ran: result.ran, installed: result.installed,
      satisfied: states.filter((s) => s.state === 'satisfied').length, skipped: states.filter((s) => s.state === 'skipped').length,
      ms: Date.now() - req.started, logDir, ...(result.failed ? { failed: result.failed } : {}), ...(interrupted ? { interrupted } : {}),
      ...(result.ok ? {} : { resume: `rig ${redactor.redact(shjoin(resumeArgs(req.argv, target)))}` }),
    });
    await report.close();
    return result;
  } finally {
    lock.release();
  }
}
