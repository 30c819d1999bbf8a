import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir } from '../helpers/temp.js';
import { serveDirectory, writeWheelIndex } from './loopback.js';
import { eventsOf, expectNoop, expectOk, keeper } from './lab.js';
import { CONTAINERS_CONF, DEBIAN_WHEELS, podman, podmanOk, RECIPES, skipReason, TEST_IMAGE } from './podman.js';

// The built-in recipes e2e-stack requires (and its own greeting), in the order apply runs them.
const STACK = ['build-essential', 'cmake', 'python3-venv(venv=/opt/e2e-venv)', 'git', 'fonts-cjk', 'graphviz', 'openblas-dev', 'lapack', 'audio-libs', 'greeting'];

const runDone = (stdout: string) => eventsOf(stdout, 'run-done')[0];
const containerOf = (text: string) => /\((rig-[0-9a-f]+)\)/.exec(text)?.[1];

describe.skipIf(skipReason)('rig apply in podman containers', () => {
  const committed = `localhost/rig-e2e-stack:${randomBytes(4).toString('hex')}`;
  let state: string;
  const keep = keeper();
  let kept: string | undefined;
  const apply = (args: string[]) => rig(['apply', ...args, '--recipes', RECIPES], { env: { CONTAINERS_CONF, RIG_STATE_DIR: state } });

  beforeAll(() => {
    state = mkdtempSync(join(tmpdir(), 'rig-e2e-state-'));
  });

  afterAll(async () => {
    await podman(['rmi', committed]);
    rmSync(state, { recursive: true, force: true });
  });

  it('installs the apt stack in a fresh container, each recipe checked and verified inside it', async () => {
    const res = await apply(['e2e-stack', '--target', `podman:${TEST_IMAGE}`, '--keep', '--commit', committed, '--json']);
    kept = keep(res);
    expectOk(res);
    expect(eventsOf(res.stdout, 'run-start')[0]).toMatchObject({ machine: expect.stringMatching(/^debian 12 \(bookworm\).*in a container$/) });
    const installed = eventsOf(res.stdout, 'recipe-done').filter((e) => (e.ran as number) > 0).map((e) => e.id);
    expect(installed).toEqual(STACK);
    // python3-venv brings the python3 the plan predicted for Debian 12 (recipes/data/distros.yaml): nothing planned again.
    expect(eventsOf(res.stdout, 'replan')).toEqual([]);
    expect(runDone(res.stdout)).toMatchObject({ ok: true, installed: STACK });
    expect(kept, res.stderr).toBeDefined();
    expect(res.stderr).toContain(`committed ${kept} as ${committed}`);
  }, 600_000);

  it('the same apply again in that container runs no step and reports every recipe satisfied', async () => {
    expect(kept).toBeDefined();
    expectNoop(await apply(['e2e-stack', '--target', `container:${kept}`, '--json']), { satisfied: STACK.length });
    expect((await podman(['container', 'exists', kept!])).code).toBe(0);
  }, 120_000);

  it('--commit: in a new container of the committed image, apply is a no-op, and that container is removed after', async () => {
    const res = await apply(['e2e-stack', '--target', `podman:${committed}`, '--json']);
    expectNoop(res, { satisfied: STACK.length });
    const name = containerOf(String(eventsOf(res.stdout, 'run-start')[0]?.target));
    expect(name).toBeDefined();
    expect((await podman(['container', 'exists', name!])).code).toBe(1);
  }, 120_000);

  it('pip installs from the loopback index that --mirror names', async () => {
    const index = tempDir('rig-e2e-index-');
    expect(writeWheelIndex(index, DEBIAN_WHEELS)).toContain('wheel');
    const server = await serveDirectory(index);
    try {
      const res = await apply(['e2e-pip', '--target', `podman:${committed}`, '--mirror', `${server.url}/simple`, '--json']);
      expectOk(res);
      expect(eventsOf(res.stdout, 'recipe-done').find((e) => e.id === 'e2e-pip')).toMatchObject({ ran: 1, status: { state: 'satisfied', found: '0.38.4' } });
      expect(server.hits).toContain('/simple/wheel/');
      expect(server.hits).toContain('/simple/wheel/wheel-0.38.4-py3-none-any.whl');
    } finally {
      await server.close();
    }
  }, 180_000);

  it('a failing step: exit 1, the tail of its output shown, the container removed', async () => {
    const res = await apply(['e2e-fail', '--target', `podman:${TEST_IMAGE}`]);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(1);
    expect(res.stdout).toMatch(/e2e-fail: step started\s*$/m);
    expect(res.stdout).toMatch(/e2e-fail: last words before exit 3\s*$/m);
    const name = containerOf(res.stdout);
    expect(name, res.stdout).toBeDefined();
    expect((await podman(['container', 'exists', name!])).code).toBe(1);
  }, 120_000);

  // e2e-python predicts python3 3.9 (provides:) and installs Debian 12's 3.11: apply decides what follows it again.
  it('a recipe after one that installs python3 is planned with the python3 the box then has, not the predicted one', async () => {
    const res = await apply(['e2e-planned-python', '--target', `podman:${TEST_IMAGE}`, '--keep', '--json']);
    const name = keep(res);
    expectOk(res);
    const real = await podmanOk(['exec', name!, 'python3', '-c', 'import platform; print(platform.python_version())']);
    expect(real).toMatch(/^3\.11\./);
    expect(eventsOf(res.stdout, 'replan')).toEqual([expect.objectContaining({ after: ['e2e-python'], changed: `python3 is ${real}, not 3.9` })]);
    expect(await podmanOk(['exec', name!, 'cat', '/opt/e2e/planned-python'])).toBe(real);
    const again = await apply(['e2e-planned-python', '--target', `container:${name}`, '--json']);
    expectNoop(again);
    expect(eventsOf(again.stdout, 'replan')).toEqual([]);
  }, 180_000);

  it('a recipe the real python3 rules out fails before any of its steps, naming why', async () => {
    const res = await apply(['e2e-old-python', '--target', `podman:${TEST_IMAGE}`, '--keep', '--json']);
    const name = keep(res);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(1);
    expect(eventsOf(res.stdout, 'recipe-fail')).toEqual([expect.objectContaining({ id: 'e2e-old-python', reason: expect.stringMatching(/^cannot be installed here: needs a python3 older than 3\.10 \(needs python3 <3\.10 \(this machine has 3\.11\.\d+\)\)$/) })]);
    expect(eventsOf(res.stdout, 'step-start').map((e) => e.id)).toEqual(['e2e-python']);
    expect(runDone(res.stdout)).toMatchObject({ ok: false, failed: 'e2e-old-python', installed: ['e2e-python'] });
    expect((await podman(['exec', name!, 'test', '-e', '/opt/e2e/old-python'])).code).toBe(1);
  }, 180_000);
});
