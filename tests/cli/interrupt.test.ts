import { existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { rig, RIG } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// Resolves once `file` exists (the step wrote it), watching its folder rather than polling on a timer.
function appears(file: string): Promise<void> {
  return new Promise((resolve) => {
    const dir = join(file, '..');
    const watcher = watch(dir, () => {
      if (existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

// Gone, or dead and not yet reaped by whichever process adopted it.
function stopped(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

// Ctrl-C on a real terminal (a pty, where listr2 draws the task list): rig alone handles the signal.
describe('Ctrl-C during apply on a terminal', () => {
  it('stops the step, says it was interrupted with the command to resume, exits 130, and the journal says so', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'recipes/slow.yaml': `name: slow\nsummary: s\nsteps:\n  - run: echo $$ > ${dir}/step.pid && exec sleep 600\n    creates: ${dir}/never\n`,
    });
    const { CI: _ci, ...inherited } = process.env;
    const env = { ...inherited, RIG_STATE_DIR: `${dir}/state`, RIG_TARGET_STATE: `${dir}/tstate`, TERM: 'xterm' };
    const child = execa('script', ['-qec', `stty cols 120 rows 40; exec ${process.execPath} ${RIG} apply slow --recipes ${dir}/recipes`, '/dev/null'], { env, extendEnv: false, reject: false, stdin: 'pipe' });
    await appears(join(dir, 'step.pid'));
    const step = Number(readFileSync(join(dir, 'step.pid'), 'utf8'));
    child.stdin!.write('\x03');
    const res = await child;
    const screen = res.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
    expect(res.exitCode, screen).toBe(130);
    expect(screen).toContain('interrupted (SIGINT)');
    expect(screen).toContain(`to resume, run again: rig apply slow --recipes ${dir}/recipes`);
    expect(stopped(step), 'the step is stopped').toBe(true);
    const status = await rig(['status', '--json'], { env: { RIG_STATE_DIR: `${dir}/state`, RIG_TARGET_STATE: `${dir}/tstate` } });
    expect(JSON.parse(status.stdout)).toMatchObject({ outcome: 'interrupted', steps: [{ recipe: 'slow', state: 'interrupted' }] });
  });
});
