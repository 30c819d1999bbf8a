import { DIGEST_ALGOS } from '../recipe/schema.js';
import type { LockedPins } from '../steps/types.js';
import { closure } from './closure.js';
import type { Lock } from './schema.js';

// These distributions of an interpreter's lock and everything they require there, by name; undefined when one is missing.
export function pipClosure(locked: NonNullable<Lock['pip']>[string], names: readonly string[]): string[] | undefined {
  if (names.some((n) => !locked[n])) return undefined;
  return [...closure(names, (n) => locked[n] && (locked[n].requires ?? [])).keys()].sort();
}

// The packages of the lock these need, directly or not, by name; not those asked for.
function aptNeedsOf(lock: Lock, names: readonly string[]): string[] {
  const starts = names.flatMap((n) => lock.apt?.[n]?.requires ?? []);
  return [...closure(starts, (n) => lock.apt?.[n] && (lock.apt[n].requires ?? [])).keys()].filter((n) => !names.includes(n)).sort();
}

// A lock as the step renderers ask for its pins.
export function lockedPins(lock: Lock): LockedPins {
  return {
    apt: (name) => lock.apt?.[name]?.version,
    aptNeeds: (names) => aptNeedsOf(lock, names).map((n) => `${n}=${lock.apt![n]!.version}`),
    pip(python, names) {
      const locked = lock.pip?.[python];
      const closed = locked && pipClosure(locked, names);
      if (!closed) return undefined;
      // pip checks hashes for all or none: every one of them has a digest, or the versions alone pin them.
      const hashed = closed.every((n) => locked[n]!.sha256?.length);
      const hashes = (n: string) => (hashed ? locked[n]!.sha256!.map((h) => ` --hash=sha256:${h}`).join('') : '');
      return {
        lines: closed.map((n) => `${n}==${locked[n]!.version}${hashes(n)}`),
        versions: new Map(closed.map((n) => [n, locked[n]!.version])),
      };
    },
    git: (dir) => lock.git?.[dir]?.commit,
    download(url) {
      const digests = lock.downloads?.[url];
      const algo = DIGEST_ALGOS.find((a) => digests?.[a]);
      return algo && { algo, digest: digests![algo]! };
    },
  };
}
