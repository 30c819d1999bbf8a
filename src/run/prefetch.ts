import type { PlannedRecipe } from '../plan/types.js';
import type { Fetch } from '../steps/types.js';
import { fetchToCache } from './fetch.js';

const WORKERS = 4;

// Downloads started before their steps run: each fetch of a known digest, a few at a time, into the download cache.
export class Prefetch {
  private readonly started = new Map<Fetch, Promise<{ path: string; digest: string }>>();

  // Start fetching every download (with a digest the recipe gives) of these recipes, each within its step's timeout.
  constructor(recipes: PlannedRecipe[], cacheDir: string, signal?: AbortSignal) {
    const steps = recipes.flatMap((r) => r.steps.flatMap((s) => (s.fetch?.digest ? [{ fetch: s.fetch, timeoutMs: s.timeoutMs }] : [])));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < steps.length && !signal?.aborted) {
        const { fetch, timeoutMs } = steps[next++]!;
        const started = fetchToCache(fetch.url, { algo: fetch.algo, value: fetch.digest! }, cacheDir, { signal, timeoutMs });
        this.started.set(fetch, started);
        await started.catch(() => undefined);
      }
    };
    for (let i = 0; i < WORKERS; i++) void worker();
  }

  // The fetch already under way for this step, if any (taken: a second ask starts none).
  take(fetch: Fetch): Promise<{ path: string; digest: string }> | undefined {
    const early = this.started.get(fetch);
    this.started.delete(fetch);
    return early;
  }
}
