import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig, RIG } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { containerNames, CONTAINERS_CONF, events, podman, podmanOk, skipReason, TEST_IMAGE } from './podman.js';

// A secret no process may carry on its command line, here or in the container.
const SECRET = 'hunter2-agent-e2e';

const RECIPES = {
  'big.yaml': `name: big\nsummary: a check over 100 KB\ncheck:\n  run: test -n "${'x'.repeat(150_000)}" && printf 'tool ✓ 1.2.3'\n  version: '(?<version>\\d+\\.\\d+\\.\\d+)'\n`,
  'slow.yaml': 'name: slow\nsummary: a step past its timeout\ncheck:\n  run: "false"\nsteps:\n  - run: (sleep 300) & sleep 301\n    unless: "false"\n    timeout: 2\n',
  'long.yaml': 'name: long\nsummary: a long step\ncheck:\n  run: "false"\nsteps:\n  - run: echo long-started && sleep 300\n    unless: "false"\n',
  'sec.yaml': `name: sec\nsummary: a secret\nparams:\n  password: { secret: true }\ncheck:\n  run: test -f /sec-done\nsteps:\n  - run: |\n      test -n "{{ params.password }}"\n      sleep 1\n      cat /proc/[0-9]*/cmdline | tr '\\0' ' ' | grep -cF -f <(printenv RIG_SECRET_SEC_PASSWORD) || true\n      touch /sec-done\n    creates: /sec-done\n`,
};

// Containers rig made, by name.
async function made(): Promise<string[]> {
  return (await containerNames()).filter((n) => /^rig-[0-9a-f]{8}$/.test(n));
}

describe.skipIf(skipReason)('the agent in a container rig made', () => {
  let recipes: string;
  const target = ['--target', `podman:${TEST_IMAGE}`];
  const env = () => ({ CONTAINERS_CONF, RIG_STATE_DIR: tempDir('rig-e2e-state-') });
  // Start `rig apply RECIPE --json` and wait until its step runs; returns the process and its container.
  async function startStep(recipe: string): Promise<{ run: ReturnType<typeof execa>; name: string }> {
    const run = execa(process.execPath, [RIG, 'apply', recipe, '--recipes', recipes, ...target, '--json'], { reject: false, env: { CI: '1', ...env() } });
    let out = '';
    let exited = false;
    run.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    void run.then(() => { exited = true; });
    while (!exited && !events(out.slice(0, out.lastIndexOf('\n') + 1)).some((e) => e.type === 'step-start')) await sleep(50);
    const name = /\((rig-[0-9a-f]+)\)/.exec(String(events(out)[0]?.target))![1]!;
    return { run, name };
  }

  beforeAll(() => {
    recipes = mkdtempSync(join(tmpdir(), 'rig-e2e-agent-'));
    writeFiles(recipes, RECIPES);
  });

  afterAll(() => {
    rmSync(recipes, { recursive: true, force: true });
  });

  it('runs a script over 100 KB and reads back its output, non-ASCII and without a final newline', async () => {
    const res = await rig(['plan', 'big', '--recipes', recipes, ...target, '--json'], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).recipes[0].status).toMatchObject({ state: 'satisfied', found: '1.2.3' });
  });

  it('a step past its timeout is killed with what it started in the container', async () => {
    const res = await rig(['apply', 'slow', '--recipes', recipes, ...target, '--keep'], { env: env() });
    expect(res.code, res.stdout).toBe(1);
    expect(res.stdout).toContain('killed after 2 s');
    const kept = /kept container (rig-[0-9a-f]+)/.exec(res.stderr)![1]!;
    try {
      const procs = await podmanOk(['exec', kept, 'bash', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "']);
      expect(procs).not.toContain('sleep 30');
      expect(procs).toContain('sleep infinity');
    } finally {
      await podman(['rm', '-f', '-t', '0', kept]);
    }
  }, 60_000);

  it('SIGINT stops the step and removes the container: exit 130', async () => {
    const { run, name } = await startStep('long');
    run.kill('SIGINT');
    expect((await run).exitCode).toBe(130);
    expect(await made()).not.toContain(name);
  }, 60_000);

  it('kill -9 of rig mid-step: the agent sees its input end, and the container goes', async () => {
    const { run, name } = await startStep('long');
    run.kill('SIGKILL');
    await run;
    for (let i = 0; i < 50 && (await made()).includes(name); i++) await sleep(100);
    expect(await made()).not.toContain(name);
  }, 60_000);

  it('a secret is on no command line, here or in the container', async () => {
    const applying = rig(['apply', 'sec', '--recipes', recipes, ...target, '--verbose'], { env: { ...env(), RIG_SECRET_SEC_PASSWORD: SECRET } });
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push(...(await execa('ps', ['-eo', 'args'])).stdout.split('\n').filter((l) => l.includes(SECRET)));
      await sleep(100);
    }
    const res = await applying;
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/\| 0\s*$/m);
    expect(seen).toEqual([]);
  }, 60_000);
});
