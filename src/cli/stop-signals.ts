import { constants } from 'node:os';
import { claimSignals } from '../targets/cleanup.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// Run `work` with SIGINT, SIGTERM and SIGHUP turned into an abort of the signal it is given (the steps stop, the run
// reports), instead of ending the process.
export async function whileStoppable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
  // `on`, not `once`: a listener left alone (signal-exit's, which listr2's cursor handling adds) would end the process.
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const unclaimSignals = claimSignals(SIGNALS);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    unclaimSignals();
  }
}

// The exit code of a run stopped by `signal` (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
export function stoppedExit(signal: AbortSignal): number {
  const name = String(signal.reason ?? 'SIGINT') as NodeJS.Signals;
  return 128 + (constants.signals[name] ?? 2);
}
