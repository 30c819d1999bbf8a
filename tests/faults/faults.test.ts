import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { labSkipReason } from '../e2e/lab.js';
import { DEBIAN_IMAGES, UBUNTU_IMAGES } from '../e2e/podman.js';
import { suiteSeed } from './prng.js';
import { kindsOf, runSuite, summary } from './suite.js';

// The fault-injection suite (issue 11): the fault stack applied in fresh Ubuntu 22.04 and Debian 12 containers, rig
// struck at a seeded moment by SIGINT, SIGTERM, kill -9, kill -9 of a step's process, or Ctrl-C on its terminal, then
// applied again on the same container; every run must leave a box as a good run does, without repeating done steps.
// `npm test` runs a small fixed sample; `npm run faults` the whole suite (FAULTS_FULL=1):
//   FAULTS_RUNS    runs per kind and image (full: 20, sample: 2)
//   FAULTS_SEED    the suite's seed (run i has seed+i); full: random unless given, sample: SAMPLE_SEED
//   FAULTS_KINDS   comma-separated kinds (sigint, sigterm, kill9-rig, kill9-step, tty-ctrl-c); all by default
//   FAULTS_IMAGES  comma-separated: jammy, bookworm (or image names); full: both, sample: jammy
//   FAULTS_JOBS    runs at a time (default 2)
//   FAULTS_RIG     the bin/rig to drive (default this checkout's)

const FULL = process.env.FAULTS_FULL === '1';
const SAMPLE_SEED = 20261202;
const IMAGES: Record<string, string> = { jammy: UBUNTU_IMAGES.jammy, bookworm: DEBIAN_IMAGES.bookworm };

const images = (process.env.FAULTS_IMAGES ? process.env.FAULTS_IMAGES.split(',') : FULL ? ['jammy', 'bookworm'] : ['jammy']).map((i) => IMAGES[i.trim()] ?? i.trim());
const kinds = kindsOf(process.env.FAULTS_KINDS);
const runs = Number(process.env.FAULTS_RUNS ?? (FULL ? 20 : 2));
const jobs = Number(process.env.FAULTS_JOBS ?? 2);
const seed = suiteSeed(process.env.FAULTS_SEED, FULL ? undefined : SAMPLE_SEED);

// Tools the suite needs on this machine besides podman: git (the served repository), tmux (the terminal), mkfifo.
function toolsMissing(): string | undefined {
  const missing = [['git', '--version'], ['tmux', '-V'], ['mkfifo', '--version']].filter(([tool, flag]) => spawnSync(tool!, [flag!]).status !== 0).map(([tool]) => tool);
  if (!missing.length) return undefined;
  const reason = `${missing.join(' and ')} missing (apt-get install ${missing.join(' ')})`;
  if (process.env.CI) throw new Error(`the fault suite is required in CI, and cannot run: ${reason}`);
  console.warn(`fault suite skipped: ${reason}`);
  return reason;
}

const skipReason = labSkipReason('fault suite', images) ?? toolsMissing();
// A run takes about one apply of the stack (and the calibration one more); a generous bound per image.
const timeout = images.length * (1 + Math.ceil((runs * kinds.length) / jobs)) * 6 * 60_000;

describe.skipIf(skipReason)(`fault injection: ${runs} run(s) of each kind on ${images.join(', ')}, seed ${seed}`, () => {
  it('every struck apply, applied again, leaves the box as a good run does, repeating no step it had done', async () => {
    expect(Number.isInteger(runs) && runs > 0, 'FAULTS_RUNS is a positive integer').toBe(true);
    const suite = await runSuite({ images, kinds, runs, seed, jobs, log: (line) => console.log(line) });
    const text = summary(suite, { images, kinds });
    console.log(text);
    const failed = [...[...suite.calibration].map(([image, why]) => `${image}: ${why.join('; ')}`), ...suite.results.filter((r) => r.problems.length).map((r) => `${r.kind} seed ${r.seed} on ${r.image}`)];
    expect(failed, text).toEqual([]);
  }, timeout);
});
