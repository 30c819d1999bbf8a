import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../helpers/http.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { CONTAINERS_CONF, podman, podmanOk, skipReason, TEST_IMAGE } from './podman.js';

// Root's rig in a container writes only what the recipe declares: links to /etc/shadow and /etc/gshadow planted at the
// names rig used for its temp files (a file step's PATH.rig-tmp, a download's /var/tmp/rig-NAME.partial) are not
// followed, and both files keep their content and mode 640.
describe.skipIf(skipReason)('root in a container, with links planted at the names rig used for temp files', () => {
  const name = `rig-e2e-writes-${randomBytes(4).toString('hex')}`;
  const shell = (script: string) => podmanOk(['exec', name, 'bash', '-c', script]);

  beforeAll(async () => {
    await podmanOk(['run', '-d', '--name', name, '--network', 'host', TEST_IMAGE, 'sleep', 'infinity']);
  });

  afterAll(async () => {
    await podman(['rm', '-f', '-t', '0', name]);
  });

  it('leaves /etc/shadow and /etc/gshadow as they were', async () => {
    const payload = Buffer.from('#!/bin/sh\necho blob\n');
    const server = await serve((_path, res) => res.end(payload));
    const recipes = tempDir('rig-e2e-recipes-');
    writeFiles(recipes, {
      'w.yaml': `name: w\nsummary: s\nsteps:\n  - file: /etc/rig-app.conf\n    content: "key = 1\\n"\n  - download: ${server.url}/blob\n    sha256: ${createHash('sha256').update(payload).digest('hex')}\n    to: /usr/local/bin/blob\n    mode: "0755"\n`,
    });
    const secrets = 'sha256sum /etc/shadow /etc/gshadow; stat -c "%a %U %n" /etc/shadow /etc/gshadow';
    try {
      const before = await shell(secrets);
      await shell('ln -s /etc/shadow /etc/rig-app.conf.rig-tmp && ln -s /etc/gshadow /var/tmp/rig-blob.partial');
      const res = await rig(['apply', 'w', '--recipes', recipes, '--target', `container:${name}`], { env: { CONTAINERS_CONF, RIG_STATE_DIR: join(tempDir(), 'state') } });
      expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
      expect(await shell(secrets)).toBe(before);
      expect(await shell('cat /etc/rig-app.conf; stat -c "%a" /etc/rig-app.conf /usr/local/bin/blob; /usr/local/bin/blob')).toBe('key = 1\n644\n755\nblob');
      expect(await shell('ls /var/lib/rig/partial')).toBe('');
    } finally {
      await server.close();
    }
  }, 120_000);
});
