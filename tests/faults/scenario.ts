import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { podman } from '../e2e/podman.js';
import { EXPECTED_EXIT, markedProcesses, strike, type Kind } from './inject.js';
import { journalOf, judgeBox, repeatedSteps, type JournalView } from './judge.js';
import { prng } from './prng.js';
import { exitText, RigRun } from './rig-run.js';
import type { Site } from './site.js';

// One fault run: apply the fault stack in a fresh container, strike at a seeded moment, let rig exit, apply the same
// again on that container (container:NAME), and judge the box.

// The fault suite's recipes (given to rig with --recipes).
export const FAULT_RECIPES = fileURLToPath(new URL('../fixtures/fault-recipes', import.meta.url));

// How long one rig apply may take before the harness calls it hung and kills it.
const HUNG_MS = 10 * 60_000;

// A step the calibration run ran, and how long it took: the strike points are chosen among these.
export interface StepTime {
  id: string;
  step: number;
  title: string;
  ms: number;
}

// What a run needs: the kind, image and seed, the site, the calibrated steps, a directory of its own, its tmux session.
export interface RunSpec {
  kind: Kind;
  image: string;
  seed: number;
  site: Site;
  steps: StepTime[];
  dir: string;
  // The tmux server (-L) and session a tty run uses.
  tmux: { socket: string; session: string };
}

// What a run found: where it struck, how rig ended, and what was wrong (empty: recovered).
export interface RunResult {
  kind: Kind;
  image: string;
  seed: number;
  at: string;
  struck?: string;
  exits: string[];
  problems: string[];
  notes: string[];
}

// The arguments of `rig apply` (and `rig plan`) for the fault stack on the site, before the target.
export const stackArgs = (site: Site): string[] => ['fault-stack', '--recipes', FAULT_RECIPES, ...site.sets];

const containerOf = (run: RigRun) => /\((rig-[0-9a-f]+)\)$/.exec(String(run.of('run-start')[0]?.target ?? ''))?.[1] ?? /kept container (rig-[0-9a-f]+)/.exec(run.stderr)?.[1];

// Wait for `run` to exit; a run still going after HUNG_MS is killed, and `problems` says so.
async function ended(run: RigRun, problems: string[], what: string): Promise<string> {
  const secs = () => `${Math.round((Date.now() - run.started) / 1000)} s`;
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), HUNG_MS)));
  const exit = await Promise.race([run.exit, hung]);
  clearTimeout(timer);
  if (exit !== 'hung') return `${what}: ${exitText(exit)} after ${secs()}`;
  const step = run.of('step-start').at(-1);
  const said = run.of('step-output').slice(-3).map((e) => String(e.text).trim().split('\n').at(-1)).join(' | ');
  problems.push(`${what}: still running after ${HUNG_MS / 60_000} min (killed), in ${step ? `${step.id}[${step.step}] ${step.title}` : 'no step'}; its last output: ${said || 'none'}`);
  if (run.pid) process.kill(run.pid, 'SIGKILL');
  return `${what}: ${exitText(await run.exit)} after ${secs()}`;
}

// Why a finished apply failed, from its events (the failing step or recipe and the last lines of its output).
export function failureOf(run: RigRun): string {
  const fail = run.of('step-fail')[0] ?? run.of('recipe-fail')[0];
  if (!fail) return run.stderr.trim().split('\n').slice(-3).join(' | ') || 'no failure event';
  const where = fail.type === 'step-fail' ? `${fail.id}[${fail.step}] ${fail.title}` : String(fail.id);
  return `${where}: ${String(fail.reason)} — ${((fail.tail as string[]) ?? []).slice(-3).join(' | ')}`;
}

// Strike `run` at the run's seeded point: after the chosen step starts, the chosen fraction of its calibrated time.
async function strikeRun(spec: RunSpec, run: RigRun, name: string, result: RunResult): Promise<void> {
  const rand = prng(spec.seed);
  const target = spec.steps[Math.floor(rand() * spec.steps.length)]!;
  const fraction = rand();
  const delay = Math.round(fraction * target.ms);
  result.at = `${Math.round(fraction * 100)}% into ${target.id}[${target.step}] (${delay} ms after its start)`;
  const started = await run.waitFor((e) => e.type === 'step-start' && e.id === target.id && e.step === target.step, true);
  if (!started) return;
  // The seeded strike delay: the one wait that is not on an event.
  await Promise.race([new Promise((r) => setTimeout(r, delay)), run.exit]);
  const pick = rand();
  while (!run.done) {
    const last = run.of('step-start').at(-1);
    const struck = await strike(spec.kind, run, name, pick, spec.tmux);
    if (struck) {
      result.struck = `${struck}, during ${last ? `${last.id}[${last.step}] ${last.title}` : 'no step'}`;
      return;
    }
    // Nothing to strike (kill9-step: no step process right now): again at once while a step runs, else on rig's next event.
    if (!running(run)) await run.next();
  }
}

// Is a step running now (its step-start seen, its end not yet)?
function running(run: RigRun): boolean {
  const last = run.of('step-start').at(-1);
  return !!last && !run.events.some((e) => ['step-done', 'step-fail', 'step-skip'].includes(e.type) && e.id === last.id && e.step === last.step && run.events.indexOf(e) > run.events.indexOf(last));
}

// Run one fault run of `spec`.
export async function faultRun(spec: RunSpec): Promise<RunResult> {
  const result: RunResult = { kind: spec.kind, image: spec.image, seed: spec.seed, at: '', exits: [], problems: [], notes: [] };
  const state = join(spec.dir, 'state');
  mkdirSync(state, { recursive: true });
  const args = ['apply', ...stackArgs(spec.site), '--target', `podman:${spec.image}`, '--keep'];
  const run = spec.kind === 'tty-ctrl-c' ? RigRun.inTmux(args, state, spec.tmux.socket, spec.tmux.session, spec.dir) : RigRun.spawn(args, state);
  let name: string | undefined;
  try {
    await run.waitFor((e) => e.type === 'run-start', true);
    name = containerOf(run);
    if (name) await strikeRun(spec, run, name, result);
    result.exits.push(await ended(run, result.problems, 'struck run'));
    name ??= containerOf(run);
    if (!name) {
      result.problems.push(`no container to judge: ${failureOf(run)}`);
      return result;
    }
    if (!result.struck) result.notes.push(`nothing was struck: rig ended first (${failureOf(run)})`);
    const left = await leftRunning(spec.kind, name, result);
    const journal = await journalOf(name, state);
    if (typeof journal === 'string') result.problems.push(journal);
    else judgeStruck(spec.kind, run, journal, result);
    const again = RigRun.spawn(['apply', ...stackArgs(spec.site), '--target', `container:${name}`], state);
    result.exits.push(await ended(again, result.problems, 're-run'));
    const exit = await again.exit;
    if (exit.code !== 0 && !result.problems.some((p) => p.startsWith('re-run: still running'))) result.problems.push(`re-run failed (${exitText(exit)}): ${failureOf(again)}`);
    const still = (await markedProcesses(name)).filter((l) => left.has(l.split(' ')[1]!));
    if (still.length) result.problems.push(`the re-run ended with the struck run's step still running beside it: ${still.join('; ')}`);
    const repeated = repeatedSteps(typeof journal === 'string' ? null : journal, again.events);
    if (repeated.length) result.problems.push(`re-run repeated ${repeated.length} step(s) the journal had done: ${repeated.join('; ')}`);
    result.problems.push(...(await judgeBox(name, state, stackArgs(spec.site), spec.site)));
    return result;
  } finally {
    if (name) await podman(['rm', '-f', '-t', '0', name]);
  }
}

// The processes rig's scripts left running in `name` once the struck rig exited (a problem, but after kill -9 of rig a
// note: the re-run must stop them first); the ids of their scripts.
async function leftRunning(kind: Kind, name: string, result: RunResult): Promise<Set<string>> {
  const left = await markedProcesses(name);
  if (left.length && kind === 'kill9-rig') result.notes.push(`step processes still running after rig was killed: ${left.join('; ')}`);
  else if (left.length) result.problems.push(`step processes still running after rig exited: ${left.join('; ')}`);
  return new Set(left.map((l) => l.split(' ')[1]!));
}

// What the struck rig should have done by its exit: the kind's exit status; when interrupted, saying so in its last
// event and in the journal, with no step left running there.
function judgeStruck(kind: Kind, run: RigRun, journal: JournalView | null, result: RunResult): void {
  if (!result.struck) return;
  const exit = run.done ? exitText(run.exitStatus!) : 'still running';
  if (EXPECTED_EXIT[kind] !== 'any' && exit !== EXPECTED_EXIT[kind]) result.problems.push(`struck rig: ${exit}, expected ${EXPECTED_EXIT[kind]} (${failureOf(run)})`);
  if (kind === 'kill9-rig' || kind === 'kill9-step') return;
  const done = run.of('run-done')[0];
  if (!done?.interrupted) result.problems.push(`struck rig: its run-done event does not say interrupted (${done ? `ok ${done.ok}, failed ${done.failed}` : 'none'})`);
  if (journal?.outcome !== 'interrupted') result.problems.push(`the journal after the struck run says ${journal ? `outcome ${journal.outcome}` : 'nothing'}, not interrupted`);
  const running = (journal?.steps ?? []).filter((s) => s.state === 'running');
  if (running.length) result.problems.push(`the journal still has step(s) running: ${running.map((s) => `${s.recipe}[${s.index}]`).join(', ')}`);
}
