import type { HostOutcome } from '../fleet/outcome.js';
import type { FleetView } from './fleet-view.js';
import { PlainReporter, type LineOut } from './plain.js';
import type { Reporter } from './reporter.js';
import { outcomeText, summaryTable } from './fleet-summary.js';

// Each host's plain lines, prefixed with its name so that hosts running at once can be told apart; the summary table
// at the end. For logs, CI and pipes.
export class FleetLines implements FleetView {
  private readonly width: number;
  private readonly reporters = new Map<string, Reporter>();

  constructor(private readonly out: LineOut, private readonly verbose: boolean, hosts: string[]) {
    this.width = Math.max(0, ...hosts.map((h) => h.length));
  }

  private prefixed(host: string): LineOut {
    const head = `${host.padEnd(this.width)} | `;
    return { isTTY: this.out.isTTY === true, write: (text: string) => this.out.write(text.replace(/^(?=.)/gm, head)) };
  }

  host(name: string): Reporter {
    let reporter = this.reporters.get(name);
    if (!reporter) this.reporters.set(name, (reporter = new PlainReporter(this.prefixed(name), this.verbose)));
    return reporter;
  }

  note(host: string, line: string): void {
    this.prefixed(host).write(`rig: ${line}\n`);
  }

  done(outcome: HostOutcome): void {
    if (outcome.state !== 'ok') this.prefixed(outcome.host).write(`${outcomeText(outcome)}\n`);
  }

  async close(outcomes: HostOutcome[], ms: number): Promise<void> {
    this.out.write(`\n${summaryTable(outcomes, ms, this.out)}\n`);
  }
}
