import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { shq } from '../shell/quote.js';
import type { Target } from '../targets/target.js';

// Free space a state directory needs for a run's journal, logs and lock (bytes).
const MIN_FREE = 1 << 20;

function hostProblem(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.rig-write-${process.pid}`);
    writeFileSync(probe, 'x');
    rmSync(probe, { force: true });
    const fs = statfsSync(dir);
    if (fs.bavail * fs.bsize < MIN_FREE) return 'is full';
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') return 'is full';
    if (code === 'EROFS') return 'is on a read-only file system';
    return code === 'ENOENT' ? 'cannot be made' : `cannot be written (${code ?? (err as Error).message})`;
  }
}

// Shell that says why the target's state directory cannot hold the journal ("" when it can).
function targetProbe(dir: string): string {
  const d = shq(dir);
  return [
    `mkdir -p ${d} 2>/dev/null || { echo 'cannot be made'; exit 0; }`,
    `rig_err=$( { : > ${d}/.rig-write-$$; } 2>&1 ) || { case "$rig_err" in *'No space'*) echo 'is full' ;; *'Read-only'*) echo 'is on a read-only file system' ;; *) echo "cannot be written ($rig_err)" ;; esac; exit 0; }`,
    `rm -f ${d}/.rig-write-$$`,
    `rig_free=$(df -Pk ${d} 2>/dev/null | awk 'NR == 2 { print $4 }')`,
    `[ -z "$rig_free" ] || [ "$rig_free" -ge ${MIN_FREE / 1024} ] || echo 'is full'`,
  ].join('\n');
}

// Before the first step: the state directories where rig keeps logs and locks (`stateDir`, on this machine) and the
// journal (on the target) can be written and have room; otherwise one line naming the directory, and nothing has run.
export async function checkStateDirs(stateDir: string, target: Target, targetStateDir: string): Promise<void> {
  const here = hostProblem(stateDir);
  if (here) throw new UserError(`rig's state directory ${stateDir} ${here}: free it or point RIG_STATE_DIR elsewhere`);
  const res = await target.exec(targetProbe(targetStateDir), { timeoutMs: 60_000 });
  const there = res.output.trim();
  if (there) throw new UserError(`the state directory ${targetStateDir} on ${target.name} ${there}: free it or point RIG_TARGET_STATE elsewhere`);
}
