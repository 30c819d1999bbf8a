import { DIGEST_ALGOS } from '../recipe/schema.js';
import type { LockedPins } from '../steps/types.js';
import type { Lock } from './schema.js';

// These distributions of an interpreter's lock and everything they require there, by name; undefined when one is missing.
export function pipClosure(locked: NonNullable<Lock['pip']>[string], names: readonly string[]): string[] | undefined {
  if (names.some((n) => !locked[n])) return undefined;
  const seen = new Set<string>();
  const queue = [...names];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name) || !locked[name]) continue;
    seen.add(name);
    queue.push(...(locked[name].requires ?? []));
  }
  return [...seen].sort();
}

// A lock as the step renderers ask for its pins.
export function lockedPins(lock: Lock): LockedPins {
  return {
    apt: (name) => lock.apt?.[name]?.version,
    aptNeeds(names) {
      const seen = new Set<string>();
      const queue = names.flatMap((n) => lock.apt?.[n]?.requires ?? []);
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        if (seen.has(name) || !lock.apt?.[name]) continue;
        seen.add(name);
        queue.push(...(lock.apt[name].requires ?? []));
      }
      return [...seen].filter((n) => !names.includes(n)).sort().map((n) => `${n}=${lock.apt![n]!.version}`);
    },
    pip(python, names) {
      const locked = lock.pip?.[python];
      const closure = locked && pipClosure(locked, names);
      if (!closure) return undefined;
      // pip checks hashes for all or none: every one of them has a digest, or the versions alone pin them.
      const hashed = closure.every((n) => locked[n]!.sha256?.length);
      return closure.map((n) => `${n}==${locked[n]!.version}${hashed ? locked[n]!.sha256!.map((h) => ` --hash=sha256:${h}`).join('') : ''}`);
    },
    git: (dir) => lock.git?.[dir]?.commit,
    download(url) {
      const digests = lock.downloads?.[url];
      const algo = DIGEST_ALGOS.find((a) => digests?.[a]);
      return algo && { algo, digest: digests![algo]! };
    },
  };
}
