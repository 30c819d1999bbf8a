import type { RunEvent } from '../run/events.js';
import { describeStatus, installedText, MARK } from './describe.js';
import type { Reporter } from './reporter.js';
import { duration, painter, progressBar } from './style.js';

// Where plain lines go: a stream, or anything that takes text the same way.
export interface LineOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

// Plain lines, one per event that matters: for logs, CI and pipes.
export class PlainReporter implements Reporter {
  private readonly paint: ReturnType<typeof painter>;
  private readonly steps = new Map<string, number>();
  private lastProgress = 0;

  constructor(private readonly out: LineOut = process.stdout, private readonly verbose = false) {
    this.paint = painter(out);
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }

  emit(e: RunEvent): void {
    const p = this.paint;
    switch (e.type) {
      case 'run-start':
        this.line(p('bold', `rig apply on ${e.target}: ${e.machine}`));
        for (const r of e.recipes) this.steps.set(r.id, r.steps);
        return;
      case 'recipe-start':
        this.line(`${p('cyan', '→')} ${e.id}: ${describeStatus(e.status)}; ${e.steps} step${e.steps === 1 ? '' : 's'}`);
        return;
      case 'step-start':
        this.line(p('dim', `    ▸ [${e.step + 1}/${this.steps.get(e.id)}] ${e.title}`));
        return;
      case 'step-skip':
        this.line(p('dim', `    · [${e.step + 1}/${this.steps.get(e.id)}] ${e.title}: ${e.reason}`));
        return;
      case 'step-output':
        if (this.verbose) for (const l of e.text.replace(/\n$/, '').split('\n')) this.line(p('dim', `      | ${l}`));
        return;
      case 'step-progress':
        if (Date.now() - this.lastProgress > 2000 || e.received === e.total) {
          this.lastProgress = Date.now();
          this.line(p('dim', `      ${progressBar(e.received, e.total)}`));
        }
        return;
      case 'step-retry':
        this.line(p('yellow', `    ↻ [${e.step + 1}] retry ${e.attempt}/${e.of} in ${duration(e.delayMs)}: ${e.reason}`));
        return;
      case 'step-done':
        this.line(`    ${p('green', '✓')} [${e.step + 1}/${this.steps.get(e.id)}] ${e.title} ${p('dim', `(${duration(e.ms)})`)}`);
        return;
      case 'step-fail':
        this.line(`    ${p('red', '✗')} [${e.step + 1}/${this.steps.get(e.id)}] ${e.title}: ${e.reason}`);
        this.line(p('dim', '      command:'));
        for (const l of e.command.split('\n')) this.line(`        ${l}`);
        this.line(p('dim', `      last lines of output (exit ${e.code}):`));
        for (const l of e.tail) this.line(`        | ${l}`);
        this.line(`      log: ${e.log}`);
        for (const h of e.hints) this.line(p('yellow', `      hint: ${h}`));
        return;
      case 'recipe-done':
        this.line(`${p(e.status.state === 'skipped' ? 'dim' : 'green', MARK[e.status.state])} ${e.id}: ${e.ran ? installedText(e.status.detail) : describeStatus(e.status)}`);
        return;
      case 'recipe-fail':
        this.line(`${p('red', '✗')} ${e.id}: ${e.reason}`);
        for (const l of e.tail) this.line(`    | ${l}`);
        for (const h of e.hints) this.line(p('yellow', `    hint: ${h}`));
        return;
      case 'replan':
        this.line(p('yellow', `↻ ${e.changed} after ${e.after.join(', ')}: the recipes after it are planned again on the box's facts`));
        for (const r of e.recipes) this.steps.set(r.id, r.steps);
        return;
      case 'run-done': {
        const counts = `${e.installed.length} installed, ${e.satisfied} satisfied, ${e.skipped} skipped, ${e.ran} step${e.ran === 1 ? '' : 's'} run`;
        if (e.interrupted) this.line(p('yellow', `interrupted (${e.interrupted}) after ${duration(e.ms)}: ${counts}; to resume, run again: ${e.resume}`));
        else if (e.ok) this.line(p('bold', `done: ${counts} in ${duration(e.ms)}${e.ran ? `; logs in ${e.logDir}` : ''}`));
        else this.line(p('red', `failed at ${e.failed}: ${counts}; logs in ${e.logDir}; after fixing it, run again: ${e.resume}`));
      }
    }
  }

  async close(): Promise<void> {}
}
