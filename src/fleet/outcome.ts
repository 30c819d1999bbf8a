// How one host of a fleet run ended.
export type HostState = 'ok' | 'failed' | 'unreachable' | 'interrupted' | 'skipped';

// One host's line of the summary: what happened there and how long it took.
export interface HostOutcome {
  host: string;
  target: string;
  state: HostState;
  installed: number;
  satisfied: number;
  ran: number;
  ms: number;
  // The recipe it failed at, or the one line saying why the host could not be reached or planned.
  reason?: string;
  // Where its step logs are.
  logDir?: string;
}

// The hosts that did not end well.
export function failedHosts(outcomes: readonly HostOutcome[]): HostOutcome[] {
  return outcomes.filter((o) => o.state !== 'ok');
}
