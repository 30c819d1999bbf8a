// Names shown at each end of a long requires cycle; the ones between are counted.
const SHOWN = 6;

// "requires form a cycle: a → b → a", from the names walked so far (`path`) and the one that closes the cycle.
export function cycleMessage(path: readonly string[], name: string): string {
  const cycle = [...path.slice(path.indexOf(name)), name];
  const shown = cycle.length > 2 * SHOWN + 1 ? [...cycle.slice(0, SHOWN), `… ${cycle.length - 2 * SHOWN} more …`, ...cycle.slice(-SHOWN)] : cycle;
  return `requires form a cycle: ${shown.join(' → ')}`;
}
