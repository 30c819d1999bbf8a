import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { eventsOf, labSkipReason } from './lab.js';
import { CONTAINERS_CONF, podman, podmanOk, TEST_IMAGE } from './podman.js';

const skipReason = labSkipReason('dpkg repair suite', [TEST_IMAGE]);

// A box whose dpkg was stopped half-way (a package unpacked but not configured, dpkg's own journal of the interrupted
// run left in /var/lib/dpkg/updates): apt-get refuses it ("dpkg was interrupted, you must manually run 'dpkg --configure -a'").
describe.skipIf(skipReason)('an apt step after dpkg was interrupted', () => {
  const name = `rig-e2e-dpkg-${randomBytes(4).toString('hex')}`;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rig-dpkg-'));
    writeFileSync(join(dir, 'sl.yaml'), `name: sl\nsummary: s\ncheck:\n  dpkg: sl\nsteps:\n  - apt: [sl]\n`);
    await podmanOk(['run', '-d', '--name', name, '--network', 'host', TEST_IMAGE, 'sleep', 'infinity']);
    const sh = (script: string) => podmanOk(['exec', name, 'bash', '-c', script]);
    await sh('apt-get update -qq && cd /tmp && apt-get download -qq cowsay && dpkg --unpack cowsay_*.deb && echo > /var/lib/dpkg/updates/0001');
    expect(await sh("apt-get install -y sl 2>&1 || true")).toContain("dpkg --configure -a");
  }, 300_000);

  afterAll(async () => {
    await podman(['rm', '-f', '-t', '0', name]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('repairs dpkg first, installs, and leaves dpkg with nothing to audit; a second apply runs nothing', async () => {
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(dir, 'state') };
    const res = await rig(['apply', 'sl', '--recipes', dir, '--target', `container:${name}`, '--json'], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(await podmanOk(['exec', name, 'dpkg', '--audit'])).toBe('');
    expect(await podmanOk(['exec', name, 'dpkg-query', '-W', '-f=${db:Status-Status}', 'cowsay', 'sl'])).toBe('installedinstalled');
    const again = await rig(['apply', 'sl', '--recipes', dir, '--target', `container:${name}`, '--json'], { env });
    expect(eventsOf(again.stdout, 'step-start')).toEqual([]);
  }, 600_000);

  it('a package dpkg cannot configure (its postinst fails, saying "blocked") fails the step at once: no waiting, as for a lock', async () => {
    const pkg = '/tmp/rig-flaky';
    const control = 'Package: rig-flaky\nVersion: 1\nArchitecture: all\nMaintainer: rig <rig@localhost>\nDescription: a postinst that fails\n';
    const postinst = '#!/bin/sh\necho run >> /tmp/postinst-runs\necho "the clock is blocked" >&2\nexit 1\n';
    await podmanOk(['exec', name, 'bash', '-c', `mkdir -p ${pkg}/DEBIAN && printf '${control}' > ${pkg}/DEBIAN/control && printf '${postinst}' > ${pkg}/DEBIAN/postinst && chmod 755 ${pkg}/DEBIAN/postinst && dpkg-deb -b ${pkg} ${pkg}.deb >/dev/null && { dpkg -i ${pkg}.deb || true; } && rm -f /tmp/postinst-runs`]);
    writeFileSync(join(dir, 'cow.yaml'), `name: cow\nsummary: s\ncheck:\n  dpkg: cowsay\nsteps:\n  - apt: [cowsay]\n`);
    await podmanOk(['exec', name, 'dpkg', '--purge', 'cowsay']);
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(dir, 'state') };
    const res = await rig(['apply', 'cow', '--recipes', dir, '--target', `container:${name}`, '--retries', '0', '--json'], { env });
    expect(res.code).toBe(1);
    expect(eventsOf(res.stdout, 'step-fail')[0]).toMatchObject({ tail: expect.arrayContaining([expect.stringContaining('the clock is blocked')]) });
    // dpkg --configure -a once, apt-get -f install once: not the 60 tries a lock would get.
    const runs = (await podmanOk(['exec', name, 'cat', '/tmp/postinst-runs'])).trim().split('\n');
    expect(runs.length).toBeLessThanOrEqual(3);
  }, 600_000);
});
