import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer } from 'listr2';
import type { RunEvent } from '../run/events.js';
import { describeStatus, installedText } from './describe.js';
import { PlainReporter } from './plain.js';
import type { Reporter } from './reporter.js';
import { progressBar } from './style.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface Slot {
  id: string;
  output: string;
  task?: Task;
  settle?: (outcome: { title?: string; skip?: string; error?: string }) => void;
  outcome?: { title?: string; skip?: string; error?: string };
}

// An interactive terminal view: one line per recipe with a spinner, the running step, and a download progress bar.
export class ListrReporter implements Reporter {
  private readonly slots = new Map<string, Slot>();
  private running: Promise<unknown> | undefined;
  // Failures and re-plans, printed in full after the task list.
  private readonly failures: RunEvent[] = [];
  private done: RunEvent | undefined;
  private readonly plain = new PlainReporter(process.stdout);

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'run-start':
        this.start(e);
        return;
      case 'recipe-start':
        this.update(e.id, `${describeStatus(e.status)}`);
        return;
      case 'step-start':
        this.update(e.id, `[${e.step + 1}] ${e.title}`);
        return;
      case 'step-progress':
        this.update(e.id, progressBar(e.received, e.total));
        return;
      case 'step-retry':
        this.update(e.id, `retry ${e.attempt}/${e.of}: ${e.reason}`);
        return;
      case 'recipe-done':
        this.settle(e.id, e.status.state === 'skipped' ? { skip: `${e.id}: ${describeStatus(e.status)}` } : { title: `${e.id}: ${e.ran ? installedText(e.status.detail) : describeStatus(e.status)}` });
        return;
      case 'replan':
        this.failures.push(e);
        return;
      case 'step-fail':
      case 'recipe-fail':
        this.failures.push(e);
        this.settle(e.id, { error: `${e.id}: ${e.type === 'step-fail' ? `${e.title} failed (exit ${e.code})` : e.reason}` });
        return;
      case 'run-done':
        this.done = e;
        for (const slot of this.slots.values()) if (!slot.outcome) this.settle(slot.id, { skip: `${slot.id}: not reached` });
        return;
      default:
    }
  }

  private start(e: Extract<RunEvent, { type: 'run-start' }>): void {
    process.stdout.write(`rig apply on ${e.target}: ${e.machine}\n`);
    const tasks = e.recipes.map((r) => {
      const slot: Slot = { id: r.id, output: '' };
      this.slots.set(r.id, slot);
      return {
        title: r.id,
        task: (_: unknown, task: Task) =>
          new Promise<void>((resolve, reject) => {
            slot.task = task;
            if (slot.output) task.output = slot.output;
            slot.settle = (o) => {
              if (o.error) reject(new Error(o.error));
              else {
                if (o.skip) task.skip(o.skip);
                else if (o.title) task.title = o.title;
                resolve();
              }
            };
            if (slot.outcome) slot.settle(slot.outcome);
          }),
      };
    });
    const list = new Listr(tasks, { concurrent: false, exitOnError: true, registerSignalListeners: false, rendererOptions: { showErrorMessage: true, collapseErrors: false } });
    this.running = list.run().catch(() => undefined);
  }

  private update(id: string, output: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.output = output;
    if (slot.task) slot.task.output = output;
  }

  private settle(id: string, outcome: Slot['outcome'] & object): void {
    const slot = this.slots.get(id);
    if (!slot || slot.outcome) return;
    slot.outcome = outcome;
    slot.settle?.(outcome);
  }

  async close(): Promise<void> {
    await this.running;
    for (const f of this.failures) this.plain.emit(f);
    if (this.done) this.plain.emit(this.done);
  }
}
