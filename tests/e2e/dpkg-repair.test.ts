import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIG, rig } from '../helpers/rig.js';
import { eventsOf, labSkipReason } from './lab.js';
import { CONTAINERS_CONF, podman, podmanOk, TEST_IMAGE, UBUNTU_IMAGES } from './podman.js';

const skipReason = labSkipReason('dpkg repair suite', [TEST_IMAGE, UBUNTU_IMAGES.jammy]);

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

  it('a package dpkg was stopped in the middle of unpacking (half-installed) is installed again, then the step installs', async () => {
    await podmanOk(['exec', name, 'bash', '-c', 'apt-get install -y -qq cowsay >/dev/null']);
    // The state dpkg leaves when it is killed while unpacking a package: "install reinstreq half-installed".
    await podmanOk(['exec', name, 'bash', '-c', "sed -i '/^Package: cowsay$/,/^$/s/^Status: install ok installed$/Status: install reinstreq half-installed/' /var/lib/dpkg/status"]);
    expect(await podmanOk(['exec', name, 'dpkg-query', '-W', '-f=${db:Status-Status}', 'cowsay'])).toBe('half-installed');
    writeFileSync(join(dir, 'tree.yaml'), `name: tree\nsummary: s\ncheck:\n  dpkg: tree\nsteps:\n  - apt: [tree]\n`);
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(dir, 'state') };
    const res = await rig(['apply', 'tree', '--recipes', dir, '--target', `container:${name}`, '--retries', '0', '--json'], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(await podmanOk(['exec', name, 'dpkg', '--audit'])).toBe('');
    expect(await podmanOk(['exec', name, 'dpkg-query', '-W', '-f=${db:Status-Status} ', 'cowsay', 'tree'])).toBe('installed installed');
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

// Another package manager holds the lock of apt's lists (unattended-upgrades on a fresh boot): apt-get update, told
// DPkg::Lock::Timeout, waits for it on Ubuntu 22.04 (apt 2.4) as it does for dpkg's.
describe.skipIf(skipReason)('an apt step while another apt holds the lists lock', () => {
  it('waits for it, then installs', async () => {
    const name = `rig-e2e-aptlock-${randomBytes(4).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'rig-aptlock-'));
    try {
      writeFileSync(join(dir, 'sl.yaml'), `name: sl\nsummary: s\ncheck:\n  dpkg: sl\nsteps:\n  - apt: [sl]\n    update: always\n`);
      await podmanOk(['run', '-d', '--name', name, '--network', 'host', UBUNTU_IMAGES.jammy, 'sleep', 'infinity']);
      // Holds the lock (an fcntl lock, as apt takes it) until /tmp/release exists.
      const hold = 'use Fcntl; open(my $f, ">>", "/var/lib/apt/lists/lock") or die; fcntl($f, F_SETLKW, pack("s s l l i", F_WRLCK, 0, 0, 0, 0)) or die; print "held\\n"; $| = 1; select(undef, undef, undef, 0.1) until -e "/tmp/release";';
      const holder = execa('podman', ['exec', name, 'perl', '-e', hold], { env: { CONTAINERS_CONF }, reject: false });
      for await (const line of createInterface({ input: holder.stdout! })) if (line === 'held') break;
      const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(dir, 'state'), NO_COLOR: '1', CI: '1' };
      const run = execa(process.execPath, [RIG, 'apply', 'sl', '--recipes', dir, '--target', `container:${name}`, '--retries', '0', '--json'], { env, reject: false });
      for await (const line of createInterface({ input: run.stdout! })) {
        const event = JSON.parse(line) as { type: string; text?: string };
        if (event.type === 'step-output' && event.text?.includes('Could not get lock /var/lib/apt/lists/lock')) break;
      }
      await podmanOk(['exec', name, 'touch', '/tmp/release']);
      await holder;
      expect((await run).exitCode).toBe(0);
      expect(await podmanOk(['exec', name, 'dpkg-query', '-W', '-f=${db:Status-Status}', 'sl'])).toBe('installed');
    } finally {
      await podman(['rm', '-f', '-t', '0', name]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
