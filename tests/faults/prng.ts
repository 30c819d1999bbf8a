import { randomInt } from 'node:crypto';

// Seeded randomness for the fault suite: every choice a run makes (where to strike, which process to kill) comes from
// its own seed, so that a failing run is replayed by its seed alone.

// A seeded generator of numbers in [0, 1) (mulberry32: small, fast, and the same on every machine).
export type Rand = () => number;

// The generator of `seed` (an unsigned 32-bit integer).
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One of `items`, chosen by `rand`.
export function pick<T>(rand: Rand, items: readonly T[]): T {
  if (!items.length) throw new Error('pick from nothing');
  return items[Math.floor(rand() * items.length)]!;
}

// The seed of run `i` of the kind at `kindAt` (in the suite's list of kinds) when the suite's seed is `suite` and it
// has `runs` runs per kind: run 0 of the first kind has the suite's own seed, so FAULTS_SEED=<a run's seed> with
// FAULTS_RUNS=1 and FAULTS_KINDS=<its kind> replays that run.
export function runSeed(suite: number, kindAt: number, runs: number, i: number): number {
  return (suite + kindAt * runs + i) >>> 0;
}

// The suite's seed: FAULTS_SEED when set (decimal), else `fallback`, else a fresh random one.
export function suiteSeed(env: string | undefined, fallback?: number): number {
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`FAULTS_SEED must be an integer from 0 to 4294967295, not "${env}"`);
    return n;
  }
  return fallback ?? randomInt(0, 0xffffffff);
}
