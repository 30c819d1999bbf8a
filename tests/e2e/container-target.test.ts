import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir } from '../helpers/temp.js';
import { serveDirectory } from './loopback.js';
import { CONTAINERS_CONF, podman, podmanOk, RECIPES, skipReason, TEST_IMAGE } from './podman.js';

// What e2e-download fetches, and its sha256 as the recipe gives it.
const PAYLOAD = 'rig e2e payload\n';
const PAYLOAD_SHA256 = '2bfe093731ac8a494ef3a651ebfa5e058f95dbea2997da5186c4dca15bdc50df';

describe.skipIf(skipReason)('rig against a running container (container:NAME)', () => {
  const name = `rig-e2e-${randomBytes(4).toString('hex')}`;
  let state: string;
  const run = (args: string[]) => rig([...args, '--recipes', RECIPES, '--target', `container:${name}`], { env: { CONTAINERS_CONF, RIG_STATE_DIR: state } });

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'rig-e2e-state-'));
    await podmanOk(['run', '-d', '--name', name, '--network', 'host', TEST_IMAGE, 'sleep', 'infinity']);
  });

  afterAll(async () => {
    await podman(['rm', '-f', '-t', '0', name]);
    rmSync(state, { recursive: true, force: true });
  });

  it('rig plan gathers facts and runs checks inside, and leaves the container unchanged (podman diff)', async () => {
    const before = await podmanOk(['diff', name]);
    const res = await run(['plan', 'e2e-stack', 'e2e-pip', 'e2e-download', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const plan = JSON.parse(res.stdout) as { facts: { os: { id: string }; container: boolean; python3: string }; recipes: { id: string; status: { state: string } }[] };
    expect(plan.facts).toMatchObject({ os: { id: 'debian' }, container: true, python3: '' });
    expect(plan.recipes.find((r) => r.id === 'cmake')?.status.state).toBe('missing');
    expect(plan.recipes.find((r) => r.id === 'e2e-download')?.status.state).toBe('missing');
    expect(await podmanOk(['diff', name])).toBe(before);
  });

  it('download: a wrong sha256 is refused with nothing left at the destination; the right one installs the file', async () => {
    const files = tempDir('rig-e2e-files-');
    writeFileSync(join(files, 'payload.txt'), PAYLOAD);
    const server = await serveDirectory(files);
    try {
      const url = `${server.url}/payload.txt`;
      const bad = await run(['apply', 'e2e-download-badsum', '--set', `e2e-download-badsum.url=${url}`]);
      expect(bad.code, `${bad.stdout}\n${bad.stderr}`).toBe(1);
      expect(bad.stdout).toContain(`sha256 mismatch: got ${PAYLOAD_SHA256}`);
      expect(await podmanOk(['exec', name, 'bash', '-c', 'find / -xdev -name "payload.txt*" 2>/dev/null; true'])).toBe('');

      const good = await run(['apply', 'e2e-download', '--set', `e2e-download.url=${url}`]);
      expect(good.code, `${good.stdout}\n${good.stderr}`).toBe(0);
      expect(await podmanOk(['exec', name, 'sha256sum', '/opt/e2e/payload.txt'])).toBe(`${PAYLOAD_SHA256}  /opt/e2e/payload.txt`);
      expect(server.hits.filter((h) => h === '/payload.txt')).toHaveLength(2);
    } finally {
      await server.close();
    }
  }, 120_000);
});
