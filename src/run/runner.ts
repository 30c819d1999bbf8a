import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { shq } from '../shell/quote.js';
import { fetchScript } from '../steps/download.js';
import { aptScripts, mergeApt } from '../steps/apt.js';
import { envPrelude } from '../steps/prelude.js';
import { asRoot } from '../steps/render.js';
import type { RenderedStep } from '../steps/types.js';
import type { ExecResult, Target } from '../targets/target.js';
import type { Emit } from './events.js';
import { fetchChecksum, fetchToCache, FetchError } from './fetch.js';
import { Prefetch } from './prefetch.js';
import { checkAfterStep, stepScript } from './step-script.js';
import { stepHash, type Journal } from './journal.js';
import { matchingHints } from './kind-hints.js';
import { LineBuffer } from './line-buffer.js';
import { MarkerSplit } from './marker-split.js';
import type { Redecision } from './redecide.js';
import type { Redactor } from './redact.js';
import { judgeCheck, needsWork, type RecipeStatus } from './status.js';

const TAIL_LINES = 20;

// What apply needs besides the plan and target.
export interface ApplyOptions {
  emit: Emit;
  logDir: string;
  cacheDir: string;
  redactor: Redactor;
  journal: Journal;
  // Environment for every command: secrets, RIG_* settings.
  env: Record<string, string>;
  signal?: AbortSignal;
  // Overrides every step's retry count when set.
  retries?: number;
  retryDelayMs?: number;
  // Called with the process group of each step as it starts (undefined when it ends).
  onStepGroup?: (group: number | undefined) => void;
  // Step guards the probe already ran ("recipe id\0step index" → held), so their steps need not ask again.
  guards?: Map<string, boolean>;
  // After recipes that installed facts the plan predicted: a new plan when the box's facts differ (src/run/redecide.ts).
  redecide?: (providers: PlannedRecipe[], reached: ReadonlySet<string>) => Promise<Redecision | undefined>;
}

// The outcome of apply.
export interface ApplyResult {
  ok: boolean;
  interrupted: boolean;
  failed?: string;
  ran: number;
  // Recipes whose steps ran (or were found done) and that now pass their check.
  installed: string[];
}

class StepFailure extends Error {
  constructor(readonly code: number, readonly output: string, readonly retryable: boolean, readonly command: string) {
    super(`exit ${code}`);
  }
}

class Interrupted extends Error {}

function isPureApt(recipe: PlannedRecipe): boolean {
  return recipe.steps.length > 0 && recipe.steps.every((s) => s.apt !== undefined);
}

function tail(text: string): string[] {
  return text.replace(/\s+$/, '').split('\n').slice(-TAIL_LINES);
}

// Runs a plan on a target: per recipe that needs it, each step after its guard, then the check again and verify; every step is journaled (a run with nothing to do leaves the journal of the last run that did something).
export class Runner {
  private ran = 0;
  private logIndex = 0;
  private readonly installed: string[] = [];
  private readonly prelude: string;
  private prefetched: Prefetch | undefined;
  // Results of recipe checks that ran in the round trip of their last step.
  private readonly checkedWithStep = new Map<string, { code: number; output: string }>();

  constructor(private plan: Plan, private readonly target: Target, private readonly opts: ApplyOptions) {
    this.prelude = `set -euo pipefail\n${envPrelude(plan.facts)}`;
  }

  async apply(statuses: Map<string, RecipeStatus>): Promise<ApplyResult> {
    await mkdir(this.opts.logDir, { recursive: true });
    const { journal } = this.opts;
    const work = this.plan.recipes.some((r) => needsWork(statuses.get(r.id)!));
    this.prefetched = new Prefetch(this.plan.recipes.filter((r) => needsWork(statuses.get(r.id)!)), this.opts.cacheDir, this.opts.signal);
    let outcome: ApplyResult;
    try {
      outcome = await this.applyAll(statuses);
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      outcome = { ok: false, interrupted: true, ran: this.ran, installed: this.installed };
    }
    journal.finish(outcome.ok ? 'ok' : outcome.interrupted ? 'interrupted' : 'failed');
    if (work && this.target.lasting) await this.target.exec(journal.script(), { timeoutMs: 60_000 });
    return outcome;
  }

  private async applyAll(statuses: Map<string, RecipeStatus>): Promise<ApplyResult> {
    const { emit } = this.opts;
    let recipes = this.plan.recipes;
    const reached = new Set<string>();
    for (let i = 0; i < recipes.length; i++) {
      const recipe = recipes[i]!;
      const status = statuses.get(recipe.id)!;
      reached.add(recipe.id);
      if (!needsWork(status)) {
        emit({ type: 'recipe-done', id: recipe.id, status, ran: 0 });
        continue;
      }
      const group = [recipe];
      while (isPureApt(recipe) && i + 1 < recipes.length && isPureApt(recipes[i + 1]!) && needsWork(statuses.get(recipes[i + 1]!.id)!)) group.push(recipes[++i]!);
      group.forEach((member) => reached.add(member.id));
      for (const member of group) emit({ type: 'recipe-start', id: member.id, status: statuses.get(member.id)!, steps: member.steps.length });
      const before = this.ran;
      const stepsOk = group.length > 1 ? await this.runAptGroup(group) : await this.runSteps(recipe);
      for (const member of group) {
        if (!stepsOk || !(await this.finishRecipe(member, this.ran - before))) {
          return { ok: false, interrupted: false, failed: member.id, ran: this.ran, installed: this.installed };
        }
        this.installed.push(member.id);
      }
      const providers = group.filter((r) => r.provided);
      const next = providers.length && this.opts.redecide ? await this.opts.redecide(providers, reached) : undefined;
      if (next) {
        const ahead = this.takeDecision(next, providers, reached, statuses);
        if (typeof ahead === 'string') return { ok: false, interrupted: false, failed: ahead, ran: this.ran, installed: this.installed };
        recipes = [...recipes.slice(0, i + 1), ...ahead];
      }
    }
    return { ok: true, interrupted: false, ran: this.ran, installed: this.installed };
  }

  // Go on with a new plan: the statuses and guards of its recipes not yet reached, which it returns; the id of the
  // first that the new facts block, after saying why.
  private takeDecision(next: Redecision, providers: PlannedRecipe[], reached: ReadonlySet<string>, statuses: Map<string, RecipeStatus>): PlannedRecipe[] | string {
    const ahead = next.plan.recipes.filter((r) => !reached.has(r.id));
    for (const id of [...statuses.keys()]) if (!reached.has(id)) statuses.delete(id);
    for (const [id, status] of next.probe.statuses) statuses.set(id, status);
    for (const [key, held] of next.probe.guards) this.opts.guards?.set(key, held);
    this.plan = next.plan;
    this.opts.emit({ type: 'replan', after: providers.map((r) => r.id), changed: next.changed, recipes: ahead.map((r) => ({ id: r.id, status: statuses.get(r.id)!, steps: r.steps.length })) });
    const blocked = ahead.find((r) => statuses.get(r.id)!.state === 'blocked');
    if (!blocked) return ahead;
    this.opts.emit({ type: 'recipe-fail', id: blocked.id, reason: `cannot be installed here: ${statuses.get(blocked.id)!.detail}`, tail: [], hints: [] });
    return blocked.id;
  }

  private async runSteps(recipe: PlannedRecipe): Promise<boolean> {
    for (const [i, step] of recipe.steps.entries()) {
      if (!(await this.runStep(recipe, step, i, i === recipe.steps.length - 1))) return false;
    }
    return true;
  }

  // Adjacent recipes made only of apt steps install with one apt-get (one list update, one dpkg run).
  private async runAptGroup(group: PlannedRecipe[]): Promise<boolean> {
    const steps = group.flatMap((r) => r.steps);
    const { guard, script } = aptScripts(mergeApt(steps.map((s) => s.apt!)));
    const root = steps.some((s) => s.root);
    const merged: RenderedStep = {
      kind: 'apt',
      title: `apt install ${mergeApt(steps.map((s) => s.apt!)).packages.join(' ')} (for ${group.map((r) => r.id).join(', ')})`,
      guard,
      script: root ? asRoot(script, this.plan.facts, []) : script,
      root,
      timeoutMs: Math.max(...steps.map((s) => s.timeoutMs)),
      retries: Math.max(...steps.map((s) => s.retries)),
    };
    const [first, ...rest] = group;
    if (!(await this.runStep(first!, merged, 0))) return false;
    for (const r of [first!, ...rest]) {
      r.steps.forEach((step, i) => {
        if (r === first && i === 0) return;
        this.opts.journal.mark(r.id, i, this.opts.redactor.redact(step.title), stepHash(r.id, i, step), 'done');
        this.opts.emit({ type: 'step-skip', id: r.id, step: i, title: step.title, reason: `installed with ${first!.id}'s apt-get` });
      });
    }
    return true;
  }

  // Check a recipe again after its steps, then run its verify commands.
  private async finishRecipe(recipe: PlannedRecipe, ran: number): Promise<boolean> {
    const { emit, redactor } = this.opts;
    let after: RecipeStatus = { state: 'satisfied', detail: 'done' };
    if (recipe.check) {
      const res = this.checkedWithStep.get(recipe.id) ?? (await this.exec(recipe.check.script, {}, 60_000));
      this.checkedWithStep.delete(recipe.id);
      after = judgeCheck(recipe.check, res.code, res.output);
      if (after.state !== 'satisfied') {
        const out = redactor.redact(res.output);
        emit({ type: 'recipe-fail', id: recipe.id, reason: `still not satisfied after its steps ran: ${after.detail}`, tail: tail(out), hints: matchingHints(recipe, undefined, [out]) });
        return false;
      }
    }
    for (const v of recipe.verify) {
      const res = await this.exec(v.script, {}, 600_000);
      const out = redactor.redact(res.output);
      if (res.code !== 0 || (v.expect && !v.expect.test(res.output))) {
        const why = res.code !== 0 ? `exit ${res.code}` : `output does not match /${v.expect!.source}/`;
        emit({ type: 'recipe-fail', id: recipe.id, reason: `verify failed (${why}): ${redactor.redact(v.script)}`, tail: tail(out), hints: matchingHints(recipe, undefined, [out]) });
        return false;
      }
    }
    this.opts.journal.finishRecipe(recipe.id);
    emit({ type: 'recipe-done', id: recipe.id, status: after, ran });
    return true;
  }

  private async exec(script: string, env: Record<string, string>, timeoutMs: number, onOutput?: (chunk: string) => void): Promise<ExecResult> {
    const res = await this.target.exec(`${this.prelude}\n${script}`, {
      env: { ...this.opts.env, ...env },
      timeoutMs,
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
      ...(onOutput ? { onOutput } : {}),
      ...(this.opts.onStepGroup ? { onSpawn: this.opts.onStepGroup } : {}),
    });
    this.opts.onStepGroup?.(undefined);
    if (res.aborted || this.opts.signal?.aborted) throw new Interrupted();
    return res;
  }

  // `last`: the recipe's check runs in the same round trip, right after the step.
  private async runStep(recipe: PlannedRecipe, step: RenderedStep, index: number, last = false): Promise<boolean> {
    const { emit, redactor, journal } = this.opts;
    const hash = stepHash(recipe.id, index, step);
    if (!step.guard && journal.doneBefore(hash)) {
      journal.mark(recipe.id, index, redactor.redact(step.title), hash, 'done');
      emit({ type: 'step-skip', id: recipe.id, step: index, title: step.title, reason: 'done by an earlier run' });
      return true;
    }
    const env: Record<string, string> = {};
    if (step.fetch) {
      env.RIG_FILE = step.fetch.tempPath;
      env.RIG_DIGEST = step.fetch.digest ?? '';
    }
    emit({ type: 'step-start', id: recipe.id, step: index, title: step.title, kind: step.kind });
    const started = Date.now();
    const log = join(this.opts.logDir, `${String(++this.logIndex).padStart(2, '0')}-${recipe.id.replace(/[^\w.-]+/g, '_')}-${index + 1}.log`);
    const stream = createWriteStream(log);
    stream.write(`# recipe: ${recipe.id}\n# step ${index + 1}: ${redactor.redact(step.title)}\n`);
    journal.mark(recipe.id, index, redactor.redact(step.title), hash, 'running');
    try {
      const attempts = (this.opts.retries ?? step.retries) + 1;
      const outputs: string[] = [];
      for (let attempt = 1; ; attempt++) {
        try {
          const skipped = await this.attempt(recipe, step, index, hash, env, stream, last);
          journal.mark(recipe.id, index, redactor.redact(step.title), hash, skipped ? 'skipped' : 'done');
          if (skipped) emit({ type: 'step-skip', id: recipe.id, step: index, title: step.title, reason: skipped });
          else {
            this.ran++;
            emit({ type: 'step-done', id: recipe.id, step: index, title: step.title, ms: Date.now() - started });
          }
          return true;
        } catch (err) {
          if (err instanceof Interrupted || this.opts.signal?.aborted) throw new Interrupted();
          const failure = err instanceof StepFailure ? err : err instanceof FetchError ? new StepFailure(1, err.message, err.retryable, step.fetch!.url) : undefined;
          if (!failure) throw err;
          outputs.push(redactor.redact(failure.output));
          stream.write(`\n# attempt ${attempt} of ${attempts} failed: exit ${failure.code}\n`);
          if (!failure.retryable || attempt >= attempts) {
            journal.mark(recipe.id, index, redactor.redact(step.title), hash, 'failed');
            const output = redactor.redact(failure.output);
            emit({
              type: 'step-fail', id: recipe.id, step: index, title: step.title, command: redactor.redact(failure.command),
              code: failure.code, tail: tail(output), log, hints: matchingHints(recipe, step, outputs), reason: redactor.redact(failure.message),
            });
            return false;
          }
          const delayMs = (this.opts.retryDelayMs ?? 1000) * 2 ** (attempt - 1);
          emit({ type: 'step-retry', id: recipe.id, step: index, attempt: attempt + 1, of: attempts, delayMs, reason: redactor.redact(tail(failure.output).at(-1) ?? `exit ${failure.code}`) });
          await this.sleep(delayMs);
        }
      }
    } finally {
      await new Promise<void>((r) => stream.end(r));
    }
  }

  private async sleep(ms: number): Promise<void> {
    const signal = this.opts.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    if (signal?.aborted) throw new Interrupted();
  }

  // One try of a step; returns why it was skipped, or undefined when it ran. Throws StepFailure.
  private async attempt(recipe: PlannedRecipe, step: RenderedStep, index: number, hash: string, env: Record<string, string>, log: WriteStream, last: boolean): Promise<string | undefined> {
    const { emit, redactor, journal } = this.opts;
    if (step.fetch) {
      if (!env.RIG_DIGEST && step.fetch.digestFrom) {
        env.RIG_DIGEST = await fetchChecksum(step.fetch.digestFrom, new URL(step.fetch.url).pathname.split('/').pop()!, step.fetch.algo, this.opts.signal);
      }
      const key = `${recipe.id}\0${index}`;
      const probed = step.fetch.digestFrom ? undefined : this.opts.guards?.get(key);
      this.opts.guards?.delete(key);
      if (step.guard && (probed ?? (await this.exec(step.guard, env, 60_000)).code === 0)) return 'already done';
      log.write(`# fetch ${step.fetch.url}\n`);
      const progress = (received: number, total: number | undefined) => emit({ type: 'step-progress', id: recipe.id, step: index, received, total });
      const early = this.prefetched?.take(step.fetch);
      const digest = { algo: step.fetch.algo, ...(env.RIG_DIGEST ? { value: env.RIG_DIGEST } : {}) };
      const { path } = await (early ?? fetchToCache(step.fetch.url, digest, this.opts.cacheDir, progress, this.opts.signal));
      await this.target.putFile(path, step.fetch.tempPath);
    }
    const done = journal.scriptAfter((j) => j.mark(recipe.id, index, redactor.redact(step.title), hash, 'done'));
    const check = last && recipe.check ? { prelude: envPrelude(this.plan.facts), script: recipe.check.script } : undefined;
    const { script, held, checkMark } = stepScript(step, hash, { before: journal.script(), after: done }, check);
    log.write(`# command:\n${redactor.redact(step.script)}\n# output:\n`);
    const split = new MarkerSplit(`\n${checkMark}\n`);
    const show = (raw: string) => {
      const text = redactor.redact(raw.replace(`${held}\n`, ''));
      log.write(text);
      if (text) emit({ type: 'step-output', id: recipe.id, step: index, text });
    };
    const lines = new LineBuffer();
    const res = await this.exec(script, env, step.timeoutMs, (chunk) => show(lines.feed(split.feed(chunk))));
    show(lines.feed(split.flush()) + lines.flush());
    const checked = checkAfterStep(split.after(), checkMark);
    if (checked) this.checkedWithStep.set(recipe.id, checked);
    log.write(`\n# exit: ${res.code}${res.timedOut ? ` (killed after ${step.timeoutMs / 1000} s)` : ''}\n`);
    if (res.code === 0 && res.output.startsWith(held)) return 'already done';
    if (res.code !== 0 || res.timedOut) {
      const output = res.timedOut ? `${res.output}\nrig: killed after ${step.timeoutMs / 1000} s (step timeout)` : res.output;
      throw new StepFailure(res.code, output, step.kind !== 'download', step.fetch ? `${fetchScript(step.fetch)}\n${step.script}` : step.script);
    }
    if (step.secretFile) {
      const secret = await this.exec(`cat ${shq(step.secretFile)}`, {}, 60_000);
      for (const value of [secret.output.trim(), ...secret.output.split('\n').map((l) => l.trim())]) redactor.add(value);
    }
    return undefined;
  }
}
