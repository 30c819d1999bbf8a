// How to remove something rig made, if rig exits or is interrupted before it is removed the usual way.
export interface Removal {
  // On exit: must be done before it returns.
  now(): void;
  // On a signal: may first wait for the thing to exist (a container still being created).
  soon(): Promise<void>;
}

const pending = new Set<Removal>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
// Signals the running command handles itself, with how many times each was claimed.
const claimed = new Map<NodeJS.Signals, number>();

function removeAllNow(): void {
  for (const removal of [...pending]) {
    pending.delete(removal);
    try {
      removal.now();
    } catch {
      // best effort: the process is on its way out
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (claimed.get(signal)) return;
  const removals = [...pending];
  pending.clear();
  void Promise.allSettled(removals.map((r) => r.soon())).then(() => {
    uninstall();
    process.kill(process.pid, signal);
  });
}

function install(): void {
  process.on('exit', removeAllNow);
  // Prepended, so this runs before any other listener has taken itself off with `once`.
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', removeAllNow);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

// Carry out `removal` if the process exits or gets SIGINT, SIGTERM or SIGHUP before the returned function is called.
export function removeOnExit(removal: Removal): () => void {
  if (pending.size === 0) install();
  pending.add(removal);
  return () => {
    pending.delete(removal);
    if (pending.size === 0) uninstall();
  };
}

// Say that the running command handles these signals itself: it stops its work and closes its targets on the way
// out. Until the returned function is called, a signal removes nothing here and does not end the process.
export function claimSignals(signals: readonly NodeJS.Signals[]): () => void {
  for (const s of signals) claimed.set(s, (claimed.get(s) ?? 0) + 1);
  return () => {
    for (const s of signals) claimed.set(s, (claimed.get(s) ?? 1) - 1);
  };
}
