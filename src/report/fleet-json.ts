import { failedHosts, type HostOutcome } from '../fleet/outcome.js';
import type { RunEvent } from '../run/events.js';
import type { FleetView } from './fleet-view.js';
import type { Reporter } from './reporter.js';

// Every host's events as NDJSON with a "host" field, a host-done line per host and a fleet-done line at the end.
export class FleetJson implements FleetView {
  constructor(private readonly out: NodeJS.WritableStream) {}

  private line(event: object): void {
    this.out.write(`${JSON.stringify({ ...event, time: new Date().toISOString() })}\n`);
  }

  host(name: string): Reporter {
    return { emit: (event: RunEvent) => this.line({ ...event, host: name }), close: async () => {} };
  }

  note(host: string, text: string): void {
    this.line({ type: 'note', host, text });
  }

  done(outcome: HostOutcome): void {
    this.line({ type: 'host-done', ...outcome });
  }

  async close(outcomes: HostOutcome[], ms: number): Promise<void> {
    const failed = failedHosts(outcomes);
    this.line({ type: 'fleet-done', ok: failed.length === 0, hosts: outcomes.length, failed: failed.map((o) => o.host), ms });
  }
}
