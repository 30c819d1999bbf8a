#!/usr/bin/env node
// Prints the median wall time of `rig --version` and of a no-op `rig apply dev-base` on this machine.
import { median, RIG, run, times } from './bench/lib.mjs';

const runs = Number(process.env.RUNS ?? 15);
const env = { ...process.env, CI: '1' };
run(process.execPath, [RIG, 'apply', 'dev-base'], { env });
const rows = [
  ['rig --version', median(times(runs, process.execPath, [RIG, '--version'], { env })), 150],
  ['rig apply dev-base (no-op)', median(times(runs, process.execPath, [RIG, 'apply', 'dev-base'], { env })), 500],
];
console.log(`median of ${runs} runs`);
for (const [name, ms, goal] of rows) console.log(`${name.padEnd(28)} ${ms.toFixed(0).padStart(5)} ms   (goal < ${goal} ms)`);
