import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RIG, rig } from '../helpers/rig.js';
import { labSkipReason } from './lab.js';
import { CONTAINERS_CONF, DEBIAN_IMAGES, events, podman, podmanOk, UBUNTU_IMAGES } from './podman.js';
import { freePort, sshdImage, sshLab, startHost } from './ssh-hosts.js';

const IMAGES = { jammy: UBUNTU_IMAGES.jammy, noble: UBUNTU_IMAGES.noble, bookworm: DEBIAN_IMAGES.bookworm };
const skipReason = labSkipReason('fleet suite', Object.values(IMAGES));
const RECIPES = fileURLToPath(new URL('../fixtures/fleet-recipes', import.meta.url));
const NVIDIA_SMI = fileURLToPath(new URL('../fixtures/nvidia-smi/', import.meta.url));

// Ten reachable hosts of three systems, one whose key is not ours, one that is down.
const LAB = [
  ...['j1', 'j2', 'j3', 'j4'].map((name) => ({ name, system: 'jammy' as const })),
  ...['n1', 'n2', 'n3'].map((name) => ({ name, system: 'noble' as const })),
  ...['b1', 'b2', 'b3'].map((name) => ({ name, system: 'bookworm' as const })),
];
const REACHABLE = LAB.map((h) => h.name);
// Recorded GPU boxes (tests/fixtures/nvidia-smi) a stand-in nvidia-smi answers for, on three hosts.
const GPUS: Record<string, string> = { j1: 'driver-535-a10.txt', j2: 'driver-580-h200.txt', n1: 'driver-535-a10.txt' };

// rig apply|plan -i over podman containers running sshd on loopback ports: the inventory forms, fan-out, a host
// down and one refusing the key, a no-op second run, each host's own facts and plan, a failure with and without
// --fail-fast, and a run stopped in the middle that every host resumes.
describe.skipIf(skipReason)('rig over many hosts (-i INVENTORY)', () => {
  let dir: string;
  let lab: ReturnType<typeof sshLab>;
  const containers = new Map<string, string>();
  const ports = new Map<string, number>();
  const env = () => ({ CONTAINERS_CONF, RIG_SSH: lab.ssh, RIG_STATE_DIR: join(dir, 'state'), RIG_TARGET_STATE: join(dir, 'unused'), XDG_RUNTIME_DIR: dir });
  const sh = (host: string, script: string) => podman(['exec', containers.get(host)!, 'bash', '-c', script]).then((r) => r.out.trim());
  const inventory = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  // The INI inventory: groups per system, the lab as their parent with a greeting for all, one host's own greeting.
  const ini = () => inventory('hosts.ini', [
    ...(['jammy', 'noble', 'bookworm'] as const).flatMap((system) => [`[${system}]`, ...LAB.filter((h) => h.system === system).map((h) => `${h.name} ansible_host=127.0.0.1 ansible_port=${ports.get(h.name)}${h.name === 'b2' ? ' rig_set="fleet-greeting.greeting=hi-b2"' : ''}`), '']),
    '[broken]', `down ansible_host=127.0.0.1 ansible_port=${ports.get('down')}`, `nokey ansible_host=127.0.0.1 ansible_port=${ports.get('nokey')}`, '',
    '[lab:children]', 'jammy', 'noble', 'bookworm', '',
    '[lab:vars]', 'rig_set="fleet-greeting.greeting=hi-lab"', '',
    '[all:vars]', 'ansible_user=root', '',
  ].join('\n'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rig-e2e-fleet-'));
    lab = sshLab(dir);
    const stranger = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'not-rig', '-f', stranger]);
    const images = { jammy: await sshdImage(IMAGES.jammy), noble: await sshdImage(IMAGES.noble), bookworm: await sshdImage(IMAGES.bookworm) };
    ports.set('down', await freePort());
    const suffix = randomBytes(3).toString('hex');
    await Promise.all([...LAB, { name: 'nokey', system: 'jammy' as const }].map(async (h) => {
      containers.set(h.name, `rig-e2e-fleet-${h.name}-${suffix}`);
      ports.set(h.name, await startHost(containers.get(h.name)!, images[h.system], h.name === 'nokey' ? `${stranger}.pub` : `${lab.key}.pub`));
    }));
    await Promise.all(Object.entries(GPUS).map(async ([host, box]) => {
      await podmanOk(['cp', join(NVIDIA_SMI, 'nvidia-smi'), `${containers.get(host)}:/usr/bin/nvidia-smi`]);
      await sh(host, 'mkdir -p /etc/nvidia-smi');
      await podmanOk(['cp', join(NVIDIA_SMI, box), `${containers.get(host)}:/etc/nvidia-smi/box.txt`]);
    }));
  }, 900_000);
  afterAll(async () => {
    await Promise.all([...containers.values()].map((c) => podman(['rm', '-f', '-t', '0', c])));
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies on every host it reaches with each host\'s params; a host down and one refusing the key are a line each, the others go on', async () => {
    const res = await rig(['apply', 'fleet-greeting', '--recipes', RECIPES, '-i', ini(), '--forks', '4'], { env: env() });
    expect(res.code, res.stdout + res.stderr).toBe(1);
    for (const host of REACHABLE) {
      expect(await sh(host, '/opt/fleet/bin/greet')).toBe(host === 'b2' ? 'hi-b2' : 'hi-lab');
      expect(res.stdout).toMatch(new RegExp(`^${host} +1 installed, 0 satisfied +\\S`, 'm'));
    }
    expect(res.stdout).toMatch(/^down +unreachable: cannot connect: .*Connection refused/m);
    expect(res.stdout).toMatch(/^nokey +unreachable: cannot connect: .*Permission denied \(publickey/m);
    expect(res.stdout).toMatch(/^12 hosts: 10 ok, 2 unreachable in /m);
    // Each host's lines carry its name; each host kept its own journal.
    expect(res.stdout).toMatch(/^j1 +\| rig apply on ssh:root@127\.0\.0\.1:\d+: /m);
    for (const host of REACHABLE) expect(await sh(host, 'ls /var/lib/rig/journal.json')).toBe('/var/lib/rig/journal.json');
  }, 600_000);

  it('the same hosts from Ansible YAML and from rig\'s own inventory: a second run does nothing anywhere; --json events carry the host', async () => {
    const yamlInventory = inventory('hosts.yaml', stringify({
      all: {
        vars: { ansible_user: 'root' },
        children: {
          lab: {
            vars: { rig_params: { 'fleet-greeting.greeting': 'hi-lab' } },
            children: Object.fromEntries((['jammy', 'noble', 'bookworm'] as const).map((system) => [system, {
              hosts: Object.fromEntries(LAB.filter((h) => h.system === system).map((h) => [h.name, { ansible_host: '127.0.0.1', ansible_port: ports.get(h.name), ...(h.name === 'b2' ? { rig_params: { 'fleet-greeting.greeting': 'hi-b2' } } : {}) }])),
            }])),
          },
        },
      },
    }));
    const res = await rig(['apply', 'fleet-greeting', '--recipes', RECIPES, '-i', yamlInventory, '--json'], { env: env() });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const done = events(res.stdout).filter((e) => e.type === 'host-done');
    expect(done.map((e) => e.host).sort()).toEqual([...REACHABLE].sort());
    for (const e of done) expect(e).toMatchObject({ state: 'ok', ran: 0, installed: 0, satisfied: 1 });
    const starts = events(res.stdout).filter((e) => e.type === 'run-start');
    expect(new Set(starts.map((e) => e.host)).size).toBe(REACHABLE.length);
    expect(events(res.stdout).filter((e) => e.type === 'step-start')).toEqual([]);

    const own = inventory('rig-hosts.yaml', stringify({
      params: { 'fleet-greeting.greeting': 'hi-lab' },
      hosts: Object.fromEntries(LAB.map((h) => [h.name, h.name === 'b2' ? { ssh: `root@127.0.0.1:${ports.get(h.name)}`, params: { 'fleet-greeting.greeting': 'hi-b2' } } : `root@127.0.0.1:${ports.get(h.name)}`])),
    }));
    const again = await rig(['apply', 'fleet-greeting', '--recipes', RECIPES, '-i', own, '--json'], { env: env() });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(events(again.stdout).filter((e) => e.type === 'host-done').map((e) => e.ran)).toEqual(REACHABLE.map(() => 0));
    // --set on the command line wins over the inventory's params, the host's own among them.
    const set = await rig(['apply', 'fleet-greeting', '--recipes', RECIPES, '-i', own, '--limit', 'b2,j1', '--set', 'fleet-greeting.greeting=from-cli'], { env: env() });
    expect(set.code, set.stdout + set.stderr).toBe(0);
    for (const host of ['b2', 'j1']) expect(await sh(host, '/opt/fleet/bin/greet')).toBe('from-cli');
    expect(await sh('j2', '/opt/fleet/bin/greet')).toBe('hi-lab');
  }, 600_000);

  it('plans each host on its own facts: the same plans shown once, the GPU boxes apart', async () => {
    const res = await rig(['plan', 'pytorch', '-i', ini(), '--limit', 'lab', '--json'], { env: env() });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const { hosts, groups } = JSON.parse(res.stdout) as { hosts: { host: string; group: number; facts: { os: { codename: string }; gpu: { driver: string } } }[]; groups: string[][] };
    const of = (host: string) => hosts.find((h) => h.host === host)!;
    expect(hosts.map((h) => h.host)).toEqual(REACHABLE);
    expect(of('j1').facts.gpu.driver).toBe('535.104.05');
    expect(of('n2').facts.os.codename).toBe('noble');
    // j1 (535) and j2 (580) get other torch builds than each other and than the hosts with no GPU.
    expect(new Set([of('j1').group, of('j2').group, of('j3').group]).size).toBe(3);
    expect(groups.flat().sort()).toEqual([...REACHABLE].sort());
    const text = await rig(['plan', 'pytorch', '-i', ini(), '--limit', 'jammy'], { env: env() });
    expect(text.stdout).toMatch(/^Plan for pytorch on 4 hosts: 3 different plans$/m);
    expect(text.stdout).toMatch(/^== j3, j4 \(2 hosts\)$/m);
    // rig facts -i: each host's own facts by name; the hosts not reached are null, a line each, exit 1.
    const facts = await rig(['facts', '-i', ini(), '--limit', 'j2:n2:broken', '--json'], { env: env() });
    expect(facts.code, facts.stderr).toBe(1);
    const found = JSON.parse(facts.stdout) as Record<string, { os: { codename: string }; gpu?: { driver: string } } | null>;
    expect(found.j2?.gpu?.driver).toBe('580.95.05');
    expect(found.n2?.os.codename).toBe('noble');
    expect([found.down, found.nokey]).toEqual([null, null]);
    expect(facts.stderr).toMatch(/^rig: down: cannot connect: .*Connection refused$/m);
  }, 600_000);

  it('reads every host (status, doctor, lock -i: a lock per host), and apply -i --locked DIR replays each host\'s own', async () => {
    // Here j1 and b2 have the greeting of the command line's --set (the test before), the others the inventory's.
    const status = await rig(['status', '-i', ini(), '--limit', 'j1:j2:down', '--json'], { env: env() });
    expect(status.code, status.stderr).toBe(1);
    const last = JSON.parse(status.stdout) as Record<string, { target: string; journal: { outcome: string; command: string } | null } | null>;
    expect(last.j1).toMatchObject({ target: expect.stringMatching(/^ssh:root@127\.0\.0\.1:\d+$/), journal: { outcome: 'ok', command: expect.stringContaining('fleet-greeting.greeting=from-cli') } });
    expect(last.j2?.journal?.outcome).toBe('ok');
    expect(last.down).toBeNull();
    expect(status.stderr).toMatch(/^rig: down: cannot connect: .*Connection refused$/m);
    const doctor = await rig(['doctor', '--recipes', RECIPES, '-i', ini(), '--limit', 'j1:n1'], { env: env() });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^== j1 \(ssh:root@127\.0\.0\.1:\d+\)\nrig doctor on ssh:root@127\.0\.0\.1:\d+: ubuntu 22\.04 \(jammy\)/m);
    expect(doctor.stdout).toMatch(/^== n1 \(ssh:root@127\.0\.0\.1:\d+\)\nrig doctor on ssh:root@127\.0\.0\.1:\d+: ubuntu 24\.04 \(noble\)/m);

    // A host whose recipe is not satisfied with its inventory params is not locked; the others are, each on its own.
    const locks = join(dir, 'locks');
    const lock = (limit: string) => rig(['lock', 'fleet-greeting', '--recipes', RECIPES, '-i', ini(), '--limit', limit, '-o', locks], { env: env() });
    const partly = await lock('lab');
    expect(partly.code, partly.stdout + partly.stderr).toBe(1);
    expect(partly.stdout).toMatch(/^== b2 \(ssh:\S+\)\nfleet-greeting is not satisfied on ssh:\S+: .*\nnothing locked; apply first/m);
    expect(readdirSync(locks).sort()).toEqual(REACHABLE.filter((h) => h !== 'j1' && h !== 'b2').map((h) => `${h}.lock`).sort());
    expect((await rig(['apply', 'fleet-greeting', '--recipes', RECIPES, '-i', ini(), '--limit', 'j1:b2'], { env: env() })).code).toBe(0);
    expect((await lock('j1:b2')).code).toBe(0);
    expect(readFileSync(join(locks, 'b2.lock'), 'utf8')).toMatch(/greeting: hi-b2/);

    // The drift of one host from its own lock is found, and the replay of each host's lock undoes it there alone.
    await sh('j3', 'echo drifted > /opt/fleet/greeting');
    const drifted = await rig(['doctor', '--recipes', RECIPES, '-i', ini(), '--limit', 'lab', '--locked', locks], { env: env() });
    expect(drifted.code, drifted.stdout + drifted.stderr).toBe(1);
    expect(drifted.stdout).toMatch(/^== j3 \(ssh:\S+\)\nrig doctor --locked \S+\/j3\.lock on ssh:\S+:\n\n. fleet-greeting +(?!as locked).*\n\n1 difference from the lock$/m);
    expect(drifted.stdout.match(/^the box is as the lock records$/gm)).toHaveLength(REACHABLE.length - 1);
    const replayed = await rig(['apply', '--recipes', RECIPES, '-i', ini(), '--limit', 'lab', '--locked', locks, '--json'], { env: env() });
    expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
    expect(events(replayed.stdout).filter((e) => e.type === 'host-done' && e.ran !== 0).map((e) => e.host)).toEqual(['j3']);
    expect(await sh('j3', '/opt/fleet/bin/greet')).toBe('hi-lab');
    expect(await sh('b2', '/opt/fleet/bin/greet')).toBe('hi-b2');
    expect((await rig(['doctor', '--recipes', RECIPES, '-i', ini(), '--limit', 'lab', '--locked', locks], { env: env() })).code).toBe(0);
    // A folder of host locks goes with -i alone.
    const alone = await rig(['apply', '--recipes', RECIPES, '--locked', locks, '--target', `ssh:root@127.0.0.1:${ports.get('j1')}`], { env: env() });
    expect(alone.code, alone.stderr).toBe(2);
    expect(alone.stderr).toMatch(/^rig: --locked \S+ is a folder: the host locks of rig lock -i, read with -i INVENTORY; name a lock file$/m);
  }, 600_000);

  it('one host failing stops the others only with --fail-fast', async () => {
    const all = await rig(['apply', 'fleet-ubuntu-only', '--recipes', RECIPES, '-i', ini(), '--limit', 'lab'], { env: env() });
    expect(all.code, all.stdout + all.stderr).toBe(1);
    expect(all.stdout).toMatch(/^10 hosts: 7 ok, 3 failed in /m);
    expect(await sh('n3', 'ls /opt/fleet/ubuntu')).toBe('/opt/fleet/ubuntu');
    const fast = await rig(['apply', 'fleet-ubuntu-only', '--recipes', RECIPES, '-i', ini(), '--limit', 'bookworm', '--forks', '1', '--fail-fast', '--json'], { env: env() });
    expect(fast.code, fast.stdout + fast.stderr).toBe(1);
    const states = events(fast.stdout).filter((e) => e.type === 'host-done').map((e) => `${e.host} ${e.state}`);
    expect(states).toEqual(['b1 failed', 'b2 skipped', 'b3 skipped']);
  }, 600_000);

  it('stopped while every host is in a step: each host\'s step is ended, and the next run finishes each once', async () => {
    const hosts = ['j3', 'n2', 'b3'];
    await Promise.all(hosts.map((h) => sh(h, 'rm -f /tmp/fleet-slow.fifo && mkfifo -m 666 /tmp/fleet-slow.fifo')));
    const child = spawn(process.execPath, [RIG, 'apply', 'fleet-slow', '--recipes', RECIPES, '-i', ini(), '--limit', hosts.join(':'), '--json'], { env: { ...process.env, ...env(), NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Each host's step says so through its FIFO once its sleep runs there; then rig is stopped. A rig that ends
    // before that fails the test with what it said (the FIFOs' readers end with their containers).
    const early = exited.then((code) => `rig exited ${code} before every step ran:\n${out}${err}`);
    expect(await Promise.race([Promise.all(hosts.map((h) => sh(h, 'cat /tmp/fleet-slow.fifo'))), early])).toEqual(hosts.map(() => 'started'));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(events(out).filter((e) => e.type === 'host-done').map((e) => e.state)).toEqual(hosts.map(() => 'interrupted'));
    for (const h of hosts) expect(await sh(h, 'pgrep -fx "sleep 4321" || echo none')).toBe('none');
    await Promise.all(hosts.map((h) => sh(h, 'touch /tmp/fleet-slow.go')));
    const again = await rig(['apply', 'fleet-slow', '--recipes', RECIPES, '-i', ini(), '--limit', hosts.join(':')], { env: env() });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    for (const h of hosts) expect(await sh(h, 'cat /opt/fleet/slow-runs')).toBe('1');
  }, 600_000);
});
