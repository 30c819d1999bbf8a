#!/usr/bin/env node
// The benchmark harness: every figure is a median of several runs, next to its peer measured in the same run.
// Usage: node scripts/bench.mjs [--smoke] [--only NAME[,NAME]]   (NAME: startup, scale, noop-local, noop-container, install, fleet)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchFleet } from './bench/fleet.mjs';
import { benchInstall } from './bench/install.mjs';
import { benchNoopContainer } from './bench/noop-container.mjs';
import { benchNoopLocal } from './bench/noop-local.mjs';
import { benchScale } from './bench/scale.mjs';
import { benchStartup } from './bench/startup.mjs';

const { values } = parseArgs({ options: { smoke: { type: 'boolean' }, only: { type: 'string' } } });
const smoke = values.smoke === true;
const runs = smoke ? 1 : 7;
const only = values.only?.split(',');
const want = (name) => !only || only.includes(name);
const dir = mkdtempSync(join(tmpdir(), 'rig-bench-'));

const scenarios = [
  ['startup', () => benchStartup(smoke ? 3 : 15)],
  ['scale', () => benchScale(join(dir, 'scale'), smoke ? 1 : 5, smoke ? [10, 100] : [10, 100, 1000])],
  ['noop-local', () => benchNoopLocal(join(dir, 'noop-local'), runs)],
  ['noop-container', () => benchNoopContainer(join(dir, 'noop-container'), runs)],
  ['install', () => benchInstall(join(dir, 'install'), smoke ? 1 : 5)],
  ['fleet', () => benchFleet(join(dir, 'fleet'), smoke ? 1 : 3, smoke ? [2, 3] : [10, 30])],
];

const rows = [];
try {
  for (const [name, bench] of scenarios) {
    if (!want(name)) continue;
    process.stderr.write(`running ${name}…\n`);
    rows.push(...(await bench()));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`rig benchmarks (${smoke ? 'smoke run: figures not meaningful' : `median of ${runs} runs unless noted`})\n`);
console.log('| scenario | rig | peer (same run) | ratio | goal | met |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.scenario} | ${r.rig} | ${r.peer} | ${r.ratio} | ${r.goal} | ${r.goal ? (r.ok ? 'yes' : 'NO') : ''} |`);
