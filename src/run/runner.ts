import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { fetchScript } from '../steps/download.js';
import { envPrelude } from '../steps/prelude.js';
import type { RenderedStep } from '../steps/types.js';
import type { Target } from '../targets/target.js';
import type { Emit } from './events.js';
import { fetchChecksum, fetchToCache, FetchError } from './fetch.js';
import { KIND_HINTS } from './kind-hints.js';
import type { Redactor } from './redact.js';
import { judgeCheck, needsWork, type RecipeStatus } from './status.js';

const TAIL_LINES = 20;

// What apply needs besides the plan and target.
export interface ApplyOptions {
  emit: Emit;
  logDir: string;
  cacheDir: string;
  redactor: Redactor;
  // Environment for every command: secrets, RIG_* settings.
  env: Record<string, string>;
  signal?: AbortSignal;
  // Overrides every step's retry count when set.
  retries?: number;
  retryDelayMs?: number;
}

// The outcome of apply.
export interface ApplyResult {
  ok: boolean;
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

function tail(text: string): string[] {
  return text.replace(/\s+$/, '').split('\n').slice(-TAIL_LINES);
}

function matchingHints(recipe: PlannedRecipe, step: RenderedStep | undefined, output: string): string[] {
  const hints = [...recipe.hints, ...(step ? KIND_HINTS[step.kind] : [])];
  return [...new Set(hints.filter((h) => h.match.test(output)).map((h) => h.say))];
}

// Runs a plan on a target: per recipe that needs it, each step after its guard, then the check again and verify.
export class Runner {
  private ran = 0;
  private logIndex = 0;
  private readonly installed: string[] = [];
  private readonly prelude: string;

  constructor(private readonly plan: Plan, private readonly target: Target, private readonly opts: ApplyOptions) {
    this.prelude = `set -euo pipefail\n${envPrelude(plan.facts)}`;
  }

  async apply(statuses: Map<string, RecipeStatus>): Promise<ApplyResult> {
    await mkdir(this.opts.logDir, { recursive: true });
    for (const recipe of this.plan.recipes) {
      const status = statuses.get(recipe.id)!;
      if (!needsWork(status)) {
        this.opts.emit({ type: 'recipe-done', id: recipe.id, status, ran: 0 });
        continue;
      }
      const ok = await this.applyRecipe(recipe, status);
      if (!ok) return { ok: false, failed: recipe.id, ran: this.ran, installed: this.installed };
      this.installed.push(recipe.id);
    }
    return { ok: true, ran: this.ran, installed: this.installed };
  }

  private async applyRecipe(recipe: PlannedRecipe, status: RecipeStatus): Promise<boolean> {
    const { emit } = this.opts;
    emit({ type: 'recipe-start', id: recipe.id, status, steps: recipe.steps.length });
    const before = this.ran;
    for (const [i, step] of recipe.steps.entries()) {
      if (!(await this.runStep(recipe, step, i))) return false;
    }
    let after: RecipeStatus = { state: 'satisfied', detail: 'done' };
    if (recipe.check) {
      const res = await this.exec(recipe.check.script, {}, 60_000);
      after = judgeCheck(recipe.check, res.code, res.output);
      if (after.state !== 'satisfied') {
        const out = this.opts.redactor.redact(res.output);
        emit({ type: 'recipe-fail', id: recipe.id, reason: `still not satisfied after its steps ran: ${after.detail}`, tail: tail(out), hints: matchingHints(recipe, undefined, out) });
        return false;
      }
    }
    for (const v of recipe.verify) {
      const res = await this.exec(v.script, {}, 600_000);
      const out = this.opts.redactor.redact(res.output);
      if (res.code !== 0 || (v.expect && !v.expect.test(res.output))) {
        const why = res.code !== 0 ? `exit ${res.code}` : `output does not match /${v.expect!.source}/`;
        emit({ type: 'recipe-fail', id: recipe.id, reason: `verify failed (${why}): ${this.opts.redactor.redact(v.script)}`, tail: tail(out), hints: matchingHints(recipe, undefined, out) });
        return false;
      }
    }
    emit({ type: 'recipe-done', id: recipe.id, status: after, ran: this.ran - before });
    return true;
  }

  private exec(script: string, env: Record<string, string>, timeoutMs: number, onOutput?: (chunk: string) => void) {
    return this.target.exec(`${this.prelude}\n${script}`, {
      env: { ...this.opts.env, ...env },
      timeoutMs,
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
      ...(onOutput ? { onOutput } : {}),
    });
  }

  private async runStep(recipe: PlannedRecipe, step: RenderedStep, index: number): Promise<boolean> {
    const { emit, redactor } = this.opts;
    const env: Record<string, string> = {};
    if (step.fetch) {
      env.RIG_FILE = step.fetch.tempPath;
      env.RIG_SHA256 = step.fetch.sha256 ?? '';
    }
    emit({ type: 'step-start', id: recipe.id, step: index, title: step.title, kind: step.kind });
    const started = Date.now();
    const log = join(this.opts.logDir, `${String(++this.logIndex).padStart(2, '0')}-${recipe.id.replace(/[^\w.-]+/g, '_')}-${index + 1}.log`);
    const stream = createWriteStream(log);
    stream.write(`# recipe: ${recipe.id}\n# step ${index + 1}: ${redactor.redact(step.title)}\n`);
    try {
      const attempts = (this.opts.retries ?? step.retries) + 1;
      for (let attempt = 1; ; attempt++) {
        try {
          const skipped = await this.attempt(recipe, step, index, env, stream);
          if (skipped) emit({ type: 'step-skip', id: recipe.id, step: index, title: step.title, reason: skipped });
          else {
            this.ran++;
            emit({ type: 'step-done', id: recipe.id, step: index, title: step.title, ms: Date.now() - started });
          }
          return true;
        } catch (err) {
          if (this.opts.signal?.aborted) throw err;
          const failure = err instanceof StepFailure ? err : err instanceof FetchError ? new StepFailure(1, err.message, err.retryable, step.fetch!.url) : undefined;
          if (!failure) throw err;
          stream.write(`\n# attempt ${attempt} of ${attempts} failed: exit ${failure.code}\n`);
          if (!failure.retryable || attempt >= attempts) {
            const output = redactor.redact(failure.output);
            emit({
              type: 'step-fail', id: recipe.id, step: index, title: step.title, command: redactor.redact(failure.command),
              code: failure.code, tail: tail(output), log, hints: matchingHints(recipe, step, output), reason: failure.message,
            });
            return false;
          }
          const delayMs = (this.opts.retryDelayMs ?? 1000) * 2 ** (attempt - 1);
          emit({ type: 'step-retry', id: recipe.id, step: index, attempt: attempt + 1, of: attempts, delayMs, reason: redactor.redact(tail(failure.output).at(-1) ?? `exit ${failure.code}`) });
          await new Promise((r) => setTimeout(r, delayMs));
        }
      }
    } finally {
      await new Promise<void>((r) => stream.end(r));
    }
  }

  // One try of a step; returns why it was skipped, or undefined when it ran. Throws StepFailure.
  private async attempt(recipe: PlannedRecipe, step: RenderedStep, index: number, env: Record<string, string>, log: WriteStream): Promise<string | undefined> {
    const { emit, redactor } = this.opts;
    if (step.fetch) {
      if (!env.RIG_SHA256 && step.fetch.sha256From) {
        env.RIG_SHA256 = await fetchChecksum(step.fetch.sha256From, new URL(step.fetch.url).pathname.split('/').pop()!, this.opts.signal);
      }
      if (step.guard && (await this.exec(step.guard, env, 60_000)).code === 0) return 'already done';
      log.write(`# fetch ${step.fetch.url}\n`);
      const progress = (received: number, total: number | undefined) => emit({ type: 'step-progress', id: recipe.id, step: index, received, total });
      const { path, sha256 } = await fetchToCache(step.fetch.url, env.RIG_SHA256 || undefined, this.opts.cacheDir, progress, this.opts.signal);
      env.RIG_SHA256 ||= step.fetch.sha256From || step.fetch.sha256 ? sha256 : '';
      await this.target.putFile(path, step.fetch.tempPath);
    }
    const held = `@@rig-guard-held-${process.pid}`;
    const guarded = step.guard && !step.fetch ? `if ( ${step.guard} ) >/dev/null 2>&1; then echo ${held}; exit 0; fi\n${step.script}` : step.script;
    log.write(`# command:\n${redactor.redact(step.script)}\n# output:\n`);
    const res = await this.exec(guarded, env, step.timeoutMs, (chunk) => {
      const text = redactor.redact(chunk);
      log.write(text);
      emit({ type: 'step-output', id: recipe.id, step: index, text });
    });
    log.write(`\n# exit: ${res.code}${res.timedOut ? ` (killed after ${step.timeoutMs / 1000} s)` : ''}\n`);
    if (res.code === 0 && res.output.startsWith(held)) return 'already done';
    if (res.code !== 0 || res.timedOut) {
      const output = res.timedOut ? `${res.output}\nrig: killed after ${step.timeoutMs / 1000} s (step timeout)` : res.output;
      throw new StepFailure(res.code, output, step.kind === 'apt' || step.kind === 'pip' || step.kind === 'git' || res.timedOut, step.fetch ? `${fetchScript(step.fetch)}\n${step.script}` : step.script);
    }
    return undefined;
  }
}
