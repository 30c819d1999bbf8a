import { Listr, type DefaultRenderer, type ListrTaskWrapper, type SimpleRenderer } from 'listr2';
import type { HostOutcome } from '../fleet/outcome.js';
import type { RunEvent } from '../run/events.js';
import { describeStatus } from './describe.js';
import { FleetLines } from './fleet-lines.js';
import { outcomeText } from './fleet-summary.js';
import type { FleetView } from './fleet-view.js';
import type { Reporter } from './reporter.js';
import { duration, progressBar } from './style.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface Line {
  task?: Task;
  output: string;
  outcome?: HostOutcome;
  settle?: (o: HostOutcome) => void;
}

// An interactive terminal: one live line per host (its running recipe and step), then each failure in full and the
// summary table.
export class FleetLive implements FleetView {
  private readonly lines = new Map<string, Line>();
  private readonly failures: { host: string; event: RunEvent }[] = [];
  private readonly running: Promise<unknown>;
  private readonly after: FleetLines;

  constructor(hosts: string[]) {
    this.after = new FleetLines(process.stdout, false, hosts);
    const tasks = hosts.map((host) => {
      const line: Line = { output: 'waiting' };
      this.lines.set(host, line);
      return {
        title: host,
        task: (_: unknown, task: Task) =>
          new Promise<void>((resolve, reject) => {
            line.task = task;
            task.output = line.output;
            line.settle = (o) => {
              if (o.state === 'ok') {
                task.title = `${host}: ${outcomeText(o)} (${duration(o.ms)})`;
                resolve();
              } else if (o.state === 'skipped') {
                task.skip(`${host}: ${outcomeText(o)}`);
                resolve();
              } else reject(new Error(`${host}: ${outcomeText(o)}`));
            };
            if (line.outcome) line.settle(line.outcome);
          }),
      };
    });
    const list = new Listr(tasks, { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: false } });
    this.running = list.run().catch(() => undefined);
  }

  private show(host: string, output: string): void {
    const line = this.lines.get(host)!;
    line.output = output;
    if (line.task) line.task.output = output;
  }

  host(name: string): Reporter {
    return {
      emit: (e: RunEvent) => {
        if (e.type === 'recipe-start') this.show(name, `${e.id}: ${describeStatus(e.status)}`);
        else if (e.type === 'step-start') this.show(name, `${e.id} [${e.step + 1}] ${e.title}`);
        else if (e.type === 'step-progress') this.show(name, `${e.id} ${progressBar(e.received, e.total)}`);
        else if (e.type === 'step-fail' || e.type === 'recipe-fail' || e.type === 'replan') this.failures.push({ host: name, event: e });
      },
      close: async () => {},
    };
  }

  note(host: string, line: string): void {
    this.show(host, line);
  }

  done(outcome: HostOutcome): void {
    const line = this.lines.get(outcome.host)!;
    line.outcome = outcome;
    line.settle?.(outcome);
  }

  async close(outcomes: HostOutcome[], ms: number): Promise<void> {
    await this.running;
    for (const f of this.failures) this.after.host(f.host).emit(f.event);
    await this.after.close(outcomes, ms);
  }
}
