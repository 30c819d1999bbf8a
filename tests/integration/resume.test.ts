import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RIG, rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Three steps that log each run; the second sleeps (a long step to interrupt) and records its child's pid.
function slowBox() {
  const root = tempDir();
  const recipes = join(root, 'recipes');
  writeFiles(recipes, {
    'slow.yaml': `name: slow
summary: three steps, the second one long
params:
  root: { default: "${root}" }
  sleep: { default: 30 }
check:
  run: test -f {{ params.root }}/s3
steps:
  - run: echo 1 >> {{ params.root }}/log && touch {{ params.root }}/s1
  - run: echo 2 >> {{ params.root }}/log && sleep {{ params.sleep }} & echo $! > {{ params.root }}/child.pid; wait
  - run: echo 3 >> {{ params.root }}/log && touch {{ params.root }}/s3
`,
    'gated.yaml': `name: gated
summary: three steps; the second one lasts until the test creates the file release
params:
  root: { default: "${root}" }
check:
  run: test -f {{ params.root }}/s3
steps:
  - run: echo 1 >> {{ params.root }}/log && touch {{ params.root }}/s1
  - run: echo 2 >> {{ params.root }}/log && until [ -e {{ params.root }}/release ]; do sleep 0.05; done
  - run: echo 3 >> {{ params.root }}/log && touch {{ params.root }}/s3
`,
  });
  const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate'), NO_COLOR: '1', CI: '1' };
  return { root, recipes, env, log: () => readFileSync(join(root, 'log'), 'utf8') };
}

function start(args: string[], env: Record<string, string>) {
  return execa(process.execPath, [RIG, ...args], { env, reject: false });
}

// Start `rig apply slow` and wait until its long second step is running; returns the run and that step's child pid.
async function startUntilLongStep(b: ReturnType<typeof slowBox>) {
  const run = start(['apply', 'slow', '--recipes', b.recipes], b.env);
  const childPid = join(b.root, 'child.pid');
  await until(() => existsSync(childPid) && readFileSync(childPid, 'utf8').trim() !== '');
  return { run, child: Number(readFileSync(childPid, 'utf8')) };
}

describe('resume after a crash or an interruption', () => {
  it('kill -9 mid-apply, then the same command again: earlier steps are not repeated, the run finishes', async () => {
    const b = slowBox();
    const { run: first, child: orphan } = await startUntilLongStep(b);
    first.kill('SIGKILL');
    await first;
    expect(alive(orphan)).toBe(true);

    const status = await rig(['status'], { env: b.env });
    expect(status.stdout).toContain('rig apply slow --recipes');
    expect(status.stdout).toContain(': stopped before it finished (the rig that ran it is gone)');
    expect(status.stdout).toMatch(/… slow \[2\] .*: left running \(the next apply stops it first\)/);
    expect(status.stdout).toContain('Run the same command again to resume: rig apply slow --recipes');

    const second = await rig(['apply', 'slow', '--recipes', b.recipes, '--set', 'slow.sleep=0'], { env: b.env });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stderr).toMatch(/taking over the lock of rig pid \d+, which is gone\n/);
    expect(second.stderr).toMatch(/stopped the step the last run left running: slow \[2\] /);
    // Stopped before the run went on: gone, or dead and not yet reaped by its parent.
    expect(!alive(orphan) || /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${orphan}/stat`, 'utf8')), 'stopped before the run goes on').toBe(true);
    expect(second.stdout).toContain('· [1/3] echo 1 >>');
    expect(second.stdout).toContain('done by an earlier run');
    expect(b.log()).toBe('1\n2\n2\n3\n');
    await until(() => !alive(orphan), 3000);
    expect((await rig(['plan', 'slow', '--recipes', b.recipes], { env: b.env })).stdout).toContain('✓ slow');
  });

  it('SIGINT during a long step: its children are gone within 3 s, exit 130, and the run resumes', async () => {
    const b = slowBox();
    const { run, child } = await startUntilLongStep(b);
    const sent = Date.now();
    run.kill('SIGINT');
    const res = await run;
    await until(() => !alive(child), 3000);
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(res.exitCode).toBe(130);
    expect(res.stdout).toMatch(/interrupted \(SIGINT\) after .*to resume, run again: rig apply slow --recipes /);
    expect((await rig(['status'], { env: b.env })).stdout).toMatch(/: interrupted\n[\s\S]*! slow \[2\] .*: interrupted/);

    const again = await rig(['apply', 'slow', '--recipes', b.recipes, '--set', 'slow.sleep=0'], { env: b.env });
    expect(again.code).toBe(0);
    expect(b.log()).toBe('1\n2\n2\n3\n');
    expect((await rig(['status'], { env: b.env })).stdout).toMatch(/: ok\n/);
  });

  it('two applies on one target: the second waits, or fails at once with --no-wait; never both run steps', async () => {
    const b = slowBox();
    const first = start(['apply', 'gated', '--recipes', b.recipes], b.env);
    await until(() => existsSync(join(b.root, 's1')));
    const refused = await rig(['apply', 'gated', '--recipes', b.recipes, '--no-wait'], { env: b.env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^rig: another rig \(pid \d+\) is applying to this target; not waiting \(--no-wait\)$/m);
    const waiter = start(['apply', 'gated', '--recipes', b.recipes], b.env);
    let said = '';
    waiter.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await until(() => /waiting for another rig \(pid \d+\)/.test(said), 60_000);
    writeFileSync(join(b.root, 'release'), '');
    expect((await first).exitCode).toBe(0);
    const waited = await waiter;
    expect(waited.exitCode).toBe(0);
    expect(waited.stdout).toContain('✓ gated: satisfied');
    expect(b.log()).toBe('1\n2\n3\n');
  });
});
