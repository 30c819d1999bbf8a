// Timing helpers for the benchmark harness: wall time of real processes, medians, peak memory.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The rig executable under test.
export const RIG = fileURLToPath(new URL('../../bin/rig', import.meta.url));

// Run a command once; throws with its output when it fails (a benchmark of a failing command means nothing).
export function run(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
  return { ms, stdout: res.stdout, stderr: res.stderr };
}

// Wall times (ms) of `runs` runs of a command.
export function times(runs, cmd, args, options = {}) {
  return Array.from({ length: runs }, () => run(cmd, args, options).ms);
}

// The median of some numbers.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Wall time (ms) and peak resident memory (KB) of one run, measured by GNU time.
export function timeAndPeak(cmd, args, options = {}) {
  const res = run('/usr/bin/time', ['-f', '@@%e %M', cmd, ...args], options);
  const [, seconds, kb] = /@@([\d.]+) (\d+)/.exec(res.stderr);
  return { ms: Number(seconds) * 1000, kb: Number(kb) };
}

// "1.23 s" or "456 ms".
export function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
