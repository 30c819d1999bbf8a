#!/usr/bin/env node
// Prints the median wall time of `rig --version` and of a no-op `rig apply dev-base` on this machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const rig = fileURLToPath(new URL('../bin/rig', import.meta.url));
const runs = Number(process.env.RUNS ?? 15);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, [rig, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (res.status !== 0) throw new Error(`rig ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  }
  return median(samples);
}

const setup = spawnSync(process.execPath, [rig, 'apply', 'dev-base'], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
if (setup.status !== 0) {
  console.error(`rig apply dev-base must succeed once first:\n${setup.stdout}${setup.stderr}`);
  process.exit(1);
}
const rows = [
  ['rig --version', time(['--version']), 150],
  ['rig apply dev-base (no-op)', time(['apply', 'dev-base']), 500],
];
console.log(`median of ${runs} runs`);
for (const [name, ms, goal] of rows) console.log(`${name.padEnd(28)} ${ms.toFixed(0).padStart(5)} ms   (goal < ${goal} ms)`);
