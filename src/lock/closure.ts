// Each name reachable from these through `next` (a name `next` gives undefined for is left out), with what `next` gave
// it, in the order they are first reached.
export function closure(starts: readonly string[], next: (name: string) => readonly string[] | undefined): Map<string, readonly string[]> {
  const reached = new Map<string, readonly string[]>();
  const queue = [...starts];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (reached.has(name)) continue;
    const further = next(name);
    if (!further) continue;
    reached.set(name, further);
    queue.push(...further);
  }
  return reached;
}
