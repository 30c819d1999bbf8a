import { execa } from 'execa';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { RIG, rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { keeper } from './lab.js';
import { CONTAINERS_CONF, podman, podmanOk, skipReason, TEST_IMAGE } from './podman.js';

// A step whose bash is killed (kill -9) while a process it started runs on: that process must not outlive the step.
const ORPHAN = `name: orphan
summary: starts a long sleep, then its bash is killed
check:
  run: "false"
steps:
  - run: sleep 300 & echo $! > /tmp/rig-orphan; kill -9 $$
`;

describe.skipIf(skipReason)('what a killed step leaves running in a container is stopped before rig goes on', () => {
  const keep = keeper();

  it('in a container rig made (--keep) and in one it attaches to (container:NAME)', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    writeFiles(recipes, { 'orphan.yaml': ORPHAN });
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(root, 'state') };
    const made = await rig(['apply', 'orphan', '--recipes', recipes, '--target', `podman:${TEST_IMAGE}`, '--keep', '--retries', '0'], { env });
    const name = keep(made);
    expect(made.code, made.stdout + made.stderr).toBe(1);
    expect(name).toBeDefined();
    // Running, or ended (gone, or a zombie that the container's PID 1, a plain sleep, never reaps)?
    const alive = async () => (await podman(['exec', name!, 'bash', '-c', 'read -r _ _ s _ < /proc/$(cat /tmp/rig-orphan)/stat && [ "$s" != Z ]'])).code === 0;
    expect(await alive()).toBe(false);
    await podmanOk(['exec', name!, 'rm', '/tmp/rig-orphan']);
    const attached = await rig(['apply', 'orphan', '--recipes', recipes, '--target', `container:${name}`, '--retries', '0'], { env });
    expect(attached.code, attached.stdout + attached.stderr).toBe(1);
    expect(await alive()).toBe(false);
  }, 300_000);

  it('kill -9 of rig during apt-get (which hides its environment): nothing of the step runs on, and the next apply installs', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    writeFiles(recipes, { 'certs.yaml': 'name: certs\nsummary: s\ncheck:\n  dpkg: ca-certificates\nsteps:\n  - apt: [ca-certificates]\n    update: always\n' });
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(root, 'state'), NO_COLOR: '1', CI: '1' };
    const first = execa(process.execPath, [RIG, 'apply', 'certs', '--recipes', recipes, '--target', `podman:${TEST_IMAGE}`, '--keep', '--json'], { env, reject: false });
    let name: string | undefined;
    for await (const line of createInterface({ input: first.stdout! })) {
      const event = JSON.parse(line) as { type: string; target?: string };
      if (event.type === 'run-start') name = /\((rig-[0-9a-f]+)\)$/.exec(event.target ?? '')?.[1];
      if (event.type === 'step-start') break;
    }
    expect(name).toBeDefined();
    keep({ code: 0, stdout: '', stderr: `kept container ${name}` });
    // Each apt-get with its state, but those that ended: a zombie that the container's PID 1 (a plain sleep, once rig
    // has gone) never reaps runs nothing.
    const apt = async () => (await podman(['exec', name!, 'bash', '-c', 'for d in /proc/[0-9]*; do grep -qx apt-get "$d/comm" 2>/dev/null && read -r _ _ s _ < "$d/stat" && [ "$s" != Z ] && echo "${d#/proc/} $s"; done'])).out.trim();
    await expect.poll(apt, { timeout: 60_000, interval: 100 }).not.toBe('');
    first.kill('SIGKILL');
    await first;
    await expect.poll(apt, { timeout: 30_000, interval: 200 }).toBe('');
    const again = await rig(['apply', 'certs', '--recipes', recipes, '--target', `container:${name}`], { env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 300_000);
});
