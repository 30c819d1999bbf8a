import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podman } from '../e2e/podman.js';
import { KIND_TEXT, KINDS, type Kind } from './inject.js';
import { judgeBox } from './judge.js';
import { runSeed } from './prng.js';
import { exitText, RigRun } from './rig-run.js';
import { failureOf, faultRun, stackArgs, type RunResult, type StepTime } from './scenario.js';
import { serveSite, type Site } from './site.js';

// The fault suite: per image, one calibration run (the stack applied without a fault: it must succeed, and its step
// times place the strikes), then `runs` fault runs of each kind, `jobs` at a time; and the summary of what recovered.

// What to run.
export interface SuiteOptions {
  images: string[];
  kinds: readonly Kind[];
  runs: number;
  seed: number;
  jobs: number;
  // Told each run's result as it ends (a line of progress).
  log: (line: string) => void;
}

// What the suite found: every run's result, and each image's calibration problems (its runs are skipped then).
export interface SuiteResult {
  seed: number;
  results: RunResult[];
  calibration: Map<string, string[]>;
}

// Apply the stack once, unstruck, on a fresh container of `image`: the steps it ran with their times, or what was wrong.
async function calibrate(image: string, site: Site, dir: string): Promise<StepTime[] | string[]> {
  const state = join(dir, 'state');
  mkdirSync(state, { recursive: true });
  const run = RigRun.spawn(['apply', ...stackArgs(site), '--target', `podman:${image}`, '--keep'], state);
  const exit = await run.exit;
  const name = /\((rig-[0-9a-f]+)\)$/.exec(String(run.of('run-start')[0]?.target ?? ''))?.[1];
  try {
    if (exit.code !== 0) return [`the stack does not apply without a fault (${exitText(exit)}): ${failureOf(run)}`];
    const problems = name ? await judgeBox(name, state, stackArgs(site), site) : ['no container'];
    if (problems.length) return problems.map((p) => `without a fault: ${p}`);
    return run.of('step-done').map((e) => ({ id: String(e.id), step: Number(e.step), title: String(e.title), ms: Number(e.ms) }));
  } finally {
    if (name) await podman(['rm', '-f', '-t', '0', name]);
  }
}

// Run `jobs` of `tasks` at a time.
async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return out;
}

// One line about a run's end: recovered, or its seed, kind and what was wrong.
export function runLine(r: RunResult): string {
  const head = `${r.problems.length ? 'FAILED' : 'recovered'} ${r.kind} on ${r.image}, seed ${r.seed}: ${r.struck ?? 'struck nothing'} (aimed ${r.at}); ${r.exits.join(', ')}`;
  return [head, ...r.problems.map((p) => `    wrong: ${p}`), ...r.notes.map((n) => `    note: ${n}`)].join('\n');
}

// Run the suite.
export async function runSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rig-faults-'));
  const socket = `rig-faults-${process.pid}`;
  const site = await serveSite(join(dir, 'site'));
  const calibration = new Map<string, string[]>();
  const results: RunResult[] = [];
  try {
    for (const image of opts.images) {
      const steps = await calibrate(image, site, mkdtempSync(join(dir, 'calibrate-')));
      if (typeof steps[0] === 'string') {
        calibration.set(image, steps as string[]);
        opts.log(`${image}: calibration failed, its runs skipped:\n    ${(steps as string[]).join('\n    ')}`);
        continue;
      }
      const timed = steps as StepTime[];
      opts.log(`${image}: calibrated ${timed.map((s) => `${s.id}[${s.step}] ${s.ms} ms`).join(', ')}`);
      // Kinds take turns (run 1 of each kind, then run 2 of each, …), so a suite cut short has run every kind alike.
      const tasks = Array.from({ length: opts.runs }, (_, i) => opts.kinds.map((kind, k) => async () => {
        const seed = runSeed(opts.seed, k, opts.runs, i);
        const run = mkdtempSync(join(dir, `${kind}-${seed}-`));
        const result = await faultRun({ kind, image, seed, site, steps: timed, dir: run, tmux: { socket, session: `${kind}-${seed}-${image.replace(/\W+/g, '_')}` } })
          .catch((err: Error) => ({ kind, image, seed, at: '', exits: [], problems: [`the harness failed: ${err.stack ?? err.message}`], notes: [] }));
        opts.log(runLine(result));
        return result;
      })).flat();
      results.push(...(await pool(tasks, opts.jobs)));
    }
  } finally {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // no tmux run started its server
    }
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { seed: opts.seed, results, calibration };
}

// The summary: per image and kind "x of y recovered", the seed, and every failed run's seed, kind and what was wrong.
export function summary(suite: SuiteResult, opts: Pick<SuiteOptions, 'images' | 'kinds'>): string {
  const lines = [`fault suite, seed ${suite.seed} (replay one run: FAULTS_SEED=<its seed> FAULTS_RUNS=1 FAULTS_KINDS=<kind> FAULTS_IMAGES=<image>)`];
  for (const image of opts.images) {
    const failed = suite.calibration.get(image);
    if (failed) lines.push(`${image}: not run, the stack fails without a fault: ${failed.join('; ')}`);
    for (const kind of failed ? [] : opts.kinds) {
      const mine = suite.results.filter((r) => r.image === image && r.kind === kind);
      const ok = mine.filter((r) => !r.problems.length).length;
      const missed = mine.filter((r) => !r.struck).length;
      lines.push(`${image} ${kind.padEnd(10)} ${ok} of ${mine.length} recovered${missed ? ` (${missed} struck nothing)` : ''}  — ${KIND_TEXT[kind]}`);
    }
  }
  const bad = suite.results.filter((r) => r.problems.length);
  if (bad.length) lines.push('', `${bad.length} run(s) did not recover:`, ...bad.map(runLine));
  return lines.join('\n');
}

// The kinds FAULTS_KINDS names (comma-separated), or all of them.
export function kindsOf(env: string | undefined): Kind[] {
  if (!env) return [...KINDS];
  const asked = env.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = asked.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`FAULTS_KINDS: unknown kind ${unknown.join(', ')} (kinds: ${KINDS.join(', ')})`);
  return asked as Kind[];
}
