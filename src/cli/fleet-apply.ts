import { failedHosts, type HostOutcome } from '../fleet/outcome.js';
import { forEachAtMost } from '../fleet/pool.js';
import type { InventoryHost } from '../inventory/types.js';
import { selectFleetView, type FleetView } from '../report/fleet-view.js';
import { applyPlan } from '../run/apply-plan.js';
import type { RunEvent } from '../run/events.js';
import { LockHeld } from '../run/lock.js';
import { one, parseRetries, type Parsed } from './args.js';
import { EXIT } from './exit-codes.js';
import { fleetHosts } from './fleet-flags.js';
import { failureLine, hostArgv, hostTargetName, openHostSession } from './fleet-host.js';
import { checkRequest } from './fleet-request.js';
import { stoppedExit, whileStoppable } from './stop-signals.js';

interface FleetRun {
  args: Parsed;
  view: FleetView;
  signal: AbortSignal;
  retries: number | undefined;
}

// Apply on one host: its own facts, plan, lock, journal and logs; whatever goes wrong there is its outcome.
async function applyHost(run: FleetRun, h: InventoryHost): Promise<HostOutcome> {
  const started = Date.now();
  const opened = await openHostSession(run.args, 'apply', true, h, started);
  if (!('plan' in opened)) return opened;
  const { plan, target, secrets } = opened;
  const base = { host: h.name, target: target.name, installed: 0, satisfied: 0, ran: 0 };
  try {
    let done: Extract<RunEvent, { type: 'run-done' }> | undefined;
    const reporter = run.view.host(h.name);
    const note = (line: string) => run.view.note(h.name, line);
    const result = await applyPlan({
      plan, target, probe: opened.probe, makePlan: opened.makePlan, secrets, argv: hostArgv(process.argv.slice(2), h.name),
      wait: run.args.values['no-wait'] !== true, signal: run.signal, started, logLabel: h.name, note,
      lockEvents: { onWait: (x) => note(`waiting for another rig (pid ${x.pid}) applying to this host to finish…`), onTakeover: (x) => note(`taking over the lock of rig pid ${x.pid}, which is gone`), onUnreadable: (file) => note(`${file}: not a lock file this rig writes; taking it over as stale`) },
      ...(run.retries !== undefined ? { retries: run.retries } : {}),
      openReport: async () => ({ emit: (e) => { if (e.type === 'run-done') done = e; reporter.emit(e); }, close: () => reporter.close() }),
    });
    const state = result.interrupted ? 'interrupted' : result.ok ? 'ok' : 'failed';
    return { ...base, state, installed: result.installed.length, satisfied: done?.satisfied ?? 0, ran: result.ran, ms: Date.now() - started, ...(result.failed ? { reason: `at ${result.failed}` } : {}), ...(done ? { logDir: done.logDir } : {}) };
  } catch (err) {
    const reason = err instanceof LockHeld ? `${err.message}; not waiting (--no-wait)` : failureLine(err, target.name);
    return { ...base, state: 'failed', ms: Date.now() - started, reason };
  } finally {
    await target.close();
  }
}

// rig apply -i INVENTORY: every host at most --forks at a time, each on its own; one failing stops the others only
// with --fail-fast. Exit 0 when every host ended well, 1 when any did not, 128+N when stopped by a signal.
export async function applyFleet(args: Parsed): Promise<number> {
  const started = Date.now();
  checkRequest(args, 'apply');
  const { hosts, forks } = await fleetHosts(args);
  const retries = parseRetries(one(args.values.retries));
  const view = await selectFleetView({ json: args.values.json === true, verbose: args.values.verbose === true, hosts: hosts.map((h) => h.name) });
  return whileStoppable(async (interrupt) => {
    const failFast = new AbortController();
    const signal = AbortSignal.any([interrupt, failFast.signal]);
    const outcomes = new Map<string, HostOutcome>();
    const settle = (o: HostOutcome) => {
      outcomes.set(o.host, o);
      view.done(o);
      if (o.state !== 'ok' && args.values['fail-fast'] === true) failFast.abort('--fail-fast');
    };
    const run: FleetRun = { args, view, signal, retries };
    const skipped = (h: InventoryHost) => settle({ host: h.name, target: hostTargetName(h), state: 'skipped', installed: 0, satisfied: 0, ran: 0, ms: 0, reason: interrupt.aborted ? `stopped by ${String(interrupt.reason)}` : 'another host failed (--fail-fast)' });
    await forEachAtMost(hosts, forks, async (h) => settle(await applyHost(run, h)), () => signal.aborted, skipped);
    const list = hosts.map((h) => outcomes.get(h.name)!);
    await view.close(list, Date.now() - started);
    if (interrupt.aborted) return stoppedExit(interrupt);
    return failedHosts(list).length ? EXIT.FAILED : EXIT.OK;
  });
}
