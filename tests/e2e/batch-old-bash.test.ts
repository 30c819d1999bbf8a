import { afterAll, beforeAll, describe } from 'vitest';
import { openTarget } from '../../src/targets/select.js';
import type { Target } from '../../src/targets/target.js';
import { batchSuite } from '../helpers/batch-suite.js';
import { CONTAINERS_CONF, skipReason, UBUNTU_IMAGES } from './podman.js';

// Ubuntu 20.04's bash 5.0, the oldest a supported box has: `wait -n`, here-strings and functions as the batch uses them.
describe.skipIf(skipReason)('a batch of read-only commands on Ubuntu 20.04 (bash 5.0)', () => {
  let target: Target;
  let conf: string | undefined;

  beforeAll(async () => {
    conf = process.env.CONTAINERS_CONF;
    process.env.CONTAINERS_CONF = CONTAINERS_CONF;
    target = await openTarget(`podman:${UBUNTU_IMAGES.focal}`);
  }, 120_000);

  afterAll(async () => {
    await target?.close();
    if (conf === undefined) delete process.env.CONTAINERS_CONF;
    else process.env.CONTAINERS_CONF = conf;
  });

  batchSuite(() => target);
});
