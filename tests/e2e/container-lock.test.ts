import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RIG, rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { CONTAINERS_CONF, podman, podmanOk, skipReason, TEST_IMAGE } from './podman.js';

// A step that holds its run until the test lets it go (a file it waits for inside the container).
const HOLD = `name: hold
summary: waits inside the container until /tmp/rig-go exists
check:
  run: test -e /tmp/rig-done
steps:
  - run: until [ -e /tmp/rig-go ]; do sleep 0.1; done; touch /tmp/rig-done
`;

describe.skipIf(skipReason)('one lock per container, however it is reached', () => {
  it('while `--target podman:IMAGE --keep` applies, `--target container:NAME` on that container is refused (exit 3)', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    writeFiles(recipes, { 'hold.yaml': HOLD });
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(root, 'state'), NO_COLOR: '1', CI: '1' };
    const first = execa(process.execPath, [RIG, 'apply', 'hold', '--recipes', recipes, '--target', `podman:${TEST_IMAGE}`, '--keep', '--json'], { env, reject: false });
    let name: string | undefined;
    try {
      // Read its events until the step is running.
      for await (const line of createInterface({ input: first.stdout! })) {
        const event = JSON.parse(line) as { type: string; target?: string };
        if (event.type === 'run-start') name = /\((rig-[0-9a-f]+)\)$/.exec(event.target ?? '')?.[1];
        if (event.type === 'step-start') break;
      }
      expect(name).toBeDefined();
      const second = await rig(['apply', 'hold', '--recipes', recipes, '--target', `container:${name}`, '--no-wait'], { env });
      expect(second.code, second.stderr).toBe(3);
      expect(second.stderr).toMatch(/^rig: another rig \(pid \d+\) is applying to this target; not waiting \(--no-wait\)$/m);
      await podmanOk(['exec', name!, 'touch', '/tmp/rig-go']);
      expect((await first).exitCode).toBe(0);
      const after = await rig(['apply', 'hold', '--recipes', recipes, '--target', `container:${name}`, '--no-wait'], { env });
      expect(after.code, after.stderr).toBe(0);
    } finally {
      first.kill('SIGKILL');
      if (name) await podman(['rm', '-f', '-t', '0', name]);
    }
  }, 300_000);
});
