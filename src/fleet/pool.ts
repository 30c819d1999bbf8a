// Run `work` on every item, at most `forks` at a time, in order; an item not yet started when `stop()` turns true is
// given to `skipped` instead. Resolves when every item is done.
export async function forEachAtMost<T>(items: readonly T[], forks: number, work: (item: T) => Promise<void>, stop: () => boolean, skipped: (item: T) => void): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      if (stop()) skipped(item);
      else await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(forks, items.length)) }, lane));
}
