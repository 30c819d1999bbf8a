import { mkdir } from 'node:fs/promises';
import { programOf, type Unit } from '../plan/program.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { envPrelude } from '../steps/prelude.js';
import type { Target } from '../targets/target.js';
import type { Emit } from './events.js';
import { stepHash, type Journal } from './journal.js';
import { matchingHints } from './kind-hints.js';
import { Prefetch } from './prefetch.js';
import type { Redecision } from './redecide.js';
import type { Redactor } from './redact.js';
import { Interrupted, RunShell } from './run-shell.js';
import { judgeCheck, needsWork, type RecipeStatus } from './status.js';
import { StepRunner, tail } from './step-runner.js';

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

// Runs a plan's program (src/plan/program.ts) on a target: per unit that needs work, each step after its guard, then each
// recipe's check again and its verify; every step is journaled (a run with nothing to do leaves the last run's journal).
export class Runner {
  private readonly installed: string[] = [];
  private readonly shell: RunShell;
  private steps!: StepRunner;

  constructor(private plan: Plan, private readonly target: Target, private readonly opts: ApplyOptions) {
    const prelude = `set -euo pipefail\n${envPrelude(plan.facts)}`;
    this.shell = new RunShell(target, { prelude, env: opts.env, ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  async apply(statuses: Map<string, RecipeStatus>): Promise<ApplyResult> {
    const { journal, signal } = this.opts;
    await mkdir(this.opts.logDir, { recursive: true });
    const pending = this.plan.recipes.filter((r) => needsWork(statuses.get(r.id)!));
    this.steps = new StepRunner({
      ...this.opts, shell: this.shell, prefetched: new Prefetch(pending, this.opts.cacheDir, signal), checkPrelude: envPrelude(this.plan.facts),
    });
    let outcome: ApplyResult;
    try {
      outcome = await this.applyAll(statuses);
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      outcome = this.result(false, undefined, true);
    }
    journal.finish(outcome.ok ? 'ok' : outcome.interrupted ? 'interrupted' : 'failed');
    if (pending.length && this.target.lasting) await this.target.exec(journal.script(), { timeoutMs: 60_000 });
    return outcome;
  }

  private result(ok: boolean, failed?: string, interrupted = false): ApplyResult {
    return { ok, interrupted, ran: this.steps.ran, installed: this.installed, ...(failed ? { failed } : {}) };
  }

  private async applyAll(statuses: Map<string, RecipeStatus>): Promise<ApplyResult> {
    const reached = new Set<string>();
    const units = programOf(this.plan.recipes, this.plan, (r) => needsWork(statuses.get(r.id)!));
    for (let u = 0; u < units.length; u++) {
      const unit = units[u]!;
      unit.recipes.forEach((r) => reached.add(r.id));
      if (!unit.work) {
        const [recipe] = unit.recipes;
        this.opts.emit({ type: 'recipe-done', id: recipe!.id, status: statuses.get(recipe!.id)!, ran: 0 });
        continue;
      }
      const failed = await this.runUnit(unit, statuses);
      if (failed) return this.result(false, failed);
      const providers = unit.recipes.filter((r) => r.provided);
      const next = providers.length && this.opts.redecide ? await this.opts.redecide(providers, reached) : undefined;
      if (!next) continue;
      const ahead = this.takeDecision(next, providers, reached, statuses);
      if (typeof ahead === 'string') return this.result(false, ahead);
      units.splice(u + 1, units.length, ...programOf(ahead, this.plan, (r) => needsWork(statuses.get(r.id)!)));
    }
    return this.result(true);
  }

  // Run a unit's steps, then check and verify each of its recipes; the id of the recipe that failed, if one did.
  private async runUnit(unit: Unit, statuses: Map<string, RecipeStatus>): Promise<string | undefined> {
    for (const r of unit.recipes) this.opts.emit({ type: 'recipe-start', id: r.id, status: statuses.get(r.id)!, steps: r.steps.length });
    const before = this.steps.ran;
    const joined = unit.recipes.length > 1;
    for (const [i, { recipe, index, step }] of unit.steps.entries()) {
      if (!(await this.steps.run(recipe, step, index, !joined && i === unit.steps.length - 1))) return recipe.id;
    }
    if (joined) this.markJoined(unit);
    for (const r of unit.recipes) {
      if (!(await this.finishRecipe(r, this.steps.ran - before))) return r.id;
      this.installed.push(r.id);
    }
    return undefined;
  }

  // The steps of recipes that shared another's apt-get are done with it.
  private markJoined(unit: Unit): void {
    const { journal, redactor, emit } = this.opts;
    const first = unit.recipes[0]!;
    for (const r of unit.recipes) {
      r.steps.forEach((step, i) => {
        if (r === first && i === 0) return;
        journal.mark(r.id, i, redactor.redact(step.title), stepHash(r.id, i, step), 'done');
        emit({ type: 'step-skip', id: r.id, step: i, title: step.title, reason: `installed with ${first.id}'s apt-get` });
      });
    }
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

  // Check a recipe again after its steps, then run its verify commands.
  private async finishRecipe(recipe: PlannedRecipe, ran: number): Promise<boolean> {
    const { emit, redactor } = this.opts;
    let after: RecipeStatus = { state: 'satisfied', detail: 'done' };
    if (recipe.check) {
      const res = this.steps.checkedWithStep.get(recipe.id) ?? (await this.shell.exec(recipe.check.script, {}, 60_000));
      this.steps.checkedWithStep.delete(recipe.id);
      after = judgeCheck(recipe.check, res.code, res.output, redactor);
      if (after.state !== 'satisfied') {
        const out = redactor.redact(res.output);
        this.opts.journal.unfinishRecipe(recipe.id, `its check failed after its steps: ${after.detail}`);
        emit({ type: 'recipe-fail', id: recipe.id, reason: `still not satisfied after its steps ran: ${after.detail}`, tail: tail(out), hints: matchingHints(recipe, undefined, [out]) });
        return false;
      }
    }
    for (const v of recipe.verify) {
      const res = await this.shell.exec(v.script, {}, 600_000);
      const out = redactor.redact(res.output);
      if (res.code !== 0 || (v.expect && !v.expect.test(res.output))) {
        const why = res.code !== 0 ? `exit ${res.code}` : `output does not match /${v.expect!.source}/`;
        this.opts.journal.unfinishRecipe(recipe.id, `its verify failed (${why}): ${redactor.redact(v.script)}`);
        emit({ type: 'recipe-fail', id: recipe.id, reason: `verify failed (${why}): ${redactor.redact(v.script)}`, tail: tail(out), hints: matchingHints(recipe, undefined, [out]) });
        return false;
      }
    }
    this.opts.journal.finishRecipe(recipe.id);
    emit({ type: 'recipe-done', id: recipe.id, status: after, ran });
    return true;
  }
}
