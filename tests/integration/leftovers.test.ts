import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// A process's state letter (R, S, Z…), or "gone".
function stateOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ')[0]!;
  } catch {
    return 'gone';
  }
}

describe('what a killed step leaves running on this machine is stopped', () => {
  it('a step whose bash is killed (kill -9) while a process it started runs on: that process ends with the step', async () => {
    const root = tempDir();
    const pidFile = join(root, 'orphan.pid');
    writeFiles(join(root, 'recipes'), {
      'orphan.yaml': `name: orphan\nsummary: s\ncheck:\n  run: "false"\nsteps:\n  - run: sleep 300 & echo $! > ${pidFile}; kill -9 $$\n`,
    });
    const res = await rig(['apply', 'orphan', '--recipes', join(root, 'recipes'), '--retries', '0'], { env: { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'target') } });
    expect(res.code, res.stdout + res.stderr).toBe(1);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // It was sent SIGTERM before rig exited; wait for the kernel to end it (a zombie has ended).
    await expect.poll(() => stateOf(pid), { timeout: 10_000 }).toMatch(/^(gone|Z)$/);
  });
});
