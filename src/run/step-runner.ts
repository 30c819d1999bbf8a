import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { PlannedRecipe } from '../plan/types.js';
import { fetchScript } from '../steps/download.js';
import type { RenderedStep } from '../steps/types.js';
import type { Emit } from './events.js';
import { fetchChecksum, fetchToCache } from './fetch.js';
import { stepHash, type Journal } from './journal.js';
import { matchingHints } from './kind-hints.js';
import { LineBuffer } from './line-buffer.js';
import { MarkerSplit } from './marker-split.js';
import type { Prefetch } from './prefetch.js';
import type { Redactor } from './redact.js';
import { StepFailure, withRetries } from './retry.js';
import type { RunShell } from './run-shell.js';
import { captureSecret } from './secret-capture.js';
import { checkAfterStep, stepScript } from './step-script.js';

const TAIL_LINES = 20;

// The last lines of some output, for a failure's report.
export function tail(text: string): string[] {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed ? trimmed.split('\n').slice(-TAIL_LINES) : [];
}

// What running a step needs from the run.
export interface StepContext {
  shell: RunShell;
  emit: Emit;
  redactor: Redactor;
  journal: Journal;
  logDir: string;
  cacheDir: string;
  prefetched: Prefetch;
  // The prelude the recipe's check runs after (when it runs in the step's round trip).
  checkPrelude: string;
  signal?: AbortSignal;
  retries?: number;
  retryDelayMs?: number;
  // Step guards the probe already ran ("recipe id\0step index" → held).
  guards?: Map<string, boolean>;
}

// Runs steps: the journal entry, the log file, the guard, the fetch, the script with its retries, and the recipe's
// check in the same round trip as its last step (its answer kept for the runner).
export class StepRunner {
  private logIndex = 0;
  // Steps that ran (not skipped) so far.
  ran = 0;
  // Results of recipe checks that ran in the round trip of their last step.
  readonly checkedWithStep = new Map<string, { code: number; output: string }>();

  constructor(private readonly ctx: StepContext) {}

  // Run one step; false when it failed (after its retries). `last`: run the recipe's check right after it.
  async run(recipe: PlannedRecipe, step: RenderedStep, index: number, last = false): Promise<boolean> {
    const { emit, redactor, journal } = this.ctx;
    const hash = stepHash(recipe.id, index, step);
    const title = redactor.redact(step.title);
    if (!step.guard && journal.doneBefore(hash)) {
      journal.mark(recipe.id, index, title, hash, 'done');
      emit({ type: 'step-skip', id: recipe.id, step: index, title: step.title, reason: 'done by an earlier run' });
      return true;
    }
    emit({ type: 'step-start', id: recipe.id, step: index, title: step.title, kind: step.kind });
    const started = Date.now();
    const log = join(this.ctx.logDir, `${String(++this.logIndex).padStart(2, '0')}-${recipe.id.replace(/[^\w.-]+/g, '_')}-${index + 1}.log`);
    const stream = createWriteStream(log);
    stream.write(`# recipe: ${recipe.id}\n# step ${index + 1}: ${title}\n`);
    // Every process of the step carries this mark in its environment (RIG_STEP), so a later run can find what it left.
    const mark = randomBytes(8).toString('hex');
    journal.mark(recipe.id, index, title, hash, 'running', mark);
    const outputs: string[] = [];
    const command = step.fetch ? `${fetchScript(step.fetch)}\n${step.script}` : step.script;
    try {
      const result = await withRetries(this.ctx.shell, (this.ctx.retries ?? step.retries) + 1, this.ctx.retryDelayMs ?? 1000, step.fetch?.url ?? command, () => this.attempt(recipe, step, index, hash, stream, last, mark), ({ failure, attempt, attempts, delayMs }) => {
        outputs.push(redactor.redact(failure.output));
        stream.write(`\n# attempt ${attempt} of ${attempts} failed: exit ${failure.code}\n`);
        if (delayMs !== undefined) emit({ type: 'step-retry', id: recipe.id, step: index, attempt: attempt + 1, of: attempts, delayMs, reason: redactor.redact(tail(failure.output).at(-1) ?? `exit ${failure.code}`) });
      });
      if (!result.ok) {
        journal.mark(recipe.id, index, title, hash, 'failed');
        const { failure } = result;
        emit({
          type: 'step-fail', id: recipe.id, step: index, title: step.title, command: redactor.redact(failure.command),
          code: failure.code, tail: tail(redactor.redact(failure.output)), log, hints: matchingHints(recipe, step, outputs), reason: redactor.redact(failure.message),
        });
        return false;
      }
      const skipped = result.value;
      journal.mark(recipe.id, index, title, hash, skipped ? 'skipped' : 'done');
      if (skipped) emit({ type: 'step-skip', id: recipe.id, step: index, title: step.title, reason: skipped });
      else {
        this.ran++;
        emit({ type: 'step-done', id: recipe.id, step: index, title: step.title, ms: Date.now() - started });
      }
      return true;
    } finally {
      await new Promise<void>((r) => stream.end(r));
    }
  }

  // Fetch a download step's file onto the target unless its guard holds; returns why it was skipped.
  private async fetch(recipe: PlannedRecipe, step: RenderedStep, index: number, env: Record<string, string>, log: WriteStream): Promise<string | undefined> {
    const fetch = step.fetch!;
    const { shell, guards, signal } = this.ctx;
    if (!env.RIG_DIGEST && fetch.digestFrom) env.RIG_DIGEST = await fetchChecksum(fetch.digestFrom, new URL(fetch.url).pathname.split('/').pop()!, fetch.algo, { signal, timeoutMs: step.timeoutMs });
    const key = `${recipe.id}\0${index}`;
    const probed = fetch.digestFrom ? undefined : guards?.get(key);
    guards?.delete(key);
    if (step.guard && (probed ?? (await shell.exec(step.guard, env, 60_000)).code === 0)) return 'already done';
    log.write(`# fetch ${fetch.url}\n`);
    const progress = (received: number, total: number | undefined) => this.ctx.emit({ type: 'step-progress', id: recipe.id, step: index, received, total });
    const digest = { algo: fetch.algo, ...(env.RIG_DIGEST ? { value: env.RIG_DIGEST } : {}) };
    const { path } = await (this.ctx.prefetched.take(fetch) ?? fetchToCache(fetch.url, digest, this.ctx.cacheDir, { onProgress: progress, signal, timeoutMs: step.timeoutMs }));
    await shell.putFile(path, fetch.tempPath);
    return undefined;
  }

  // One try of a step; returns why it was skipped, or undefined when it ran. Throws StepFailure.
  private async attempt(recipe: PlannedRecipe, step: RenderedStep, index: number, hash: string, log: WriteStream, last: boolean, mark: string): Promise<string | undefined> {
    const { emit, redactor, journal, shell } = this.ctx;
    const env: Record<string, string> = { RIG_STEP: mark, ...(step.fetch ? { RIG_FILE: step.fetch.tempPath, RIG_DIGEST: step.fetch.digest ?? '' } : {}) };
    if (step.fetch) {
      const skipped = await this.fetch(recipe, step, index, env, log);
      if (skipped) return skipped;
    }
    const done = journal.scriptAfter((j) => j.mark(recipe.id, index, redactor.redact(step.title), hash, 'done'));
    const check = last && recipe.check ? { prelude: this.ctx.checkPrelude, script: recipe.check.script } : undefined;
    const { script, held, checkMark } = stepScript(step, hash, { before: journal.script(), after: done }, check);
    log.write(`# command:\n${redactor.redact(step.script)}\n# output:\n`);
    const split = new MarkerSplit(`\n${checkMark}\n`);
    const show = (raw: string) => {
      const text = redactor.redact(raw.replace(`${held}\n`, ''));
      log.write(text);
      if (text) emit({ type: 'step-output', id: recipe.id, step: index, text });
    };
    const lines = new LineBuffer();
    const res = await shell.exec(script, env, step.timeoutMs, (chunk) => show(lines.feed(split.feed(chunk))));
    show(lines.feed(split.flush()) + lines.flush());
    const checked = checkAfterStep(split.after(), checkMark);
    if (checked) this.checkedWithStep.set(recipe.id, checked);
    log.write(`\n# exit: ${res.code}${res.timedOut ? ` (killed after ${step.timeoutMs / 1000} s)` : ''}\n`);
    if (res.code === 0 && res.output.startsWith(held)) return 'already done';
    if (res.code !== 0 || res.timedOut) {
      const output = res.timedOut ? `${res.output}\nrig: killed after ${step.timeoutMs / 1000} s (step timeout)` : res.output;
      throw new StepFailure(res.code, output, step.kind !== 'download', step.fetch ? `${fetchScript(step.fetch)}\n${step.script}` : step.script);
    }
    if (step.secretFile) await captureSecret(shell, step.secretFile, redactor);
    return undefined;
  }
}
