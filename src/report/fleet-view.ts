import type { HostOutcome } from '../fleet/outcome.js';
import type { Reporter } from './reporter.js';

// How a run over many hosts is shown: each host's events, a line when a host ends, the summary at the end.
export interface FleetView {
  // The reporter of one host's run events.
  host(name: string): Reporter;
  // Something worth a line about one host (a lock waited for, a step the last run left).
  note(host: string, line: string): void;
  // The host has ended (or was never started).
  done(outcome: HostOutcome): void;
  // Every host has ended: the summary, in host order.
  close(outcomes: HostOutcome[], ms: number): Promise<void>;
}

// Pick the view: NDJSON for --json, one live line per host on an interactive terminal, prefixed lines otherwise.
export async function selectFleetView(opts: { json: boolean; verbose: boolean; hosts: string[] }): Promise<FleetView> {
  if (opts.json) {
    const { FleetJson } = await import('./fleet-json.js');
    return new FleetJson(process.stdout);
  }
  if (process.stdout.isTTY && !process.env.CI && !opts.verbose) {
    const { FleetLive } = await import('./fleet-live.js');
    return new FleetLive(opts.hosts);
  }
  const { FleetLines } = await import('./fleet-lines.js');
  return new FleetLines(process.stdout, opts.verbose, opts.hosts);
}
