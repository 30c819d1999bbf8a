import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lockSchema } from '../../src/lock/schema.js';
import { shq } from '../../src/shell/quote.js';
import { keptControlPath } from '../../src/targets/ssh-socket.js';
import { parseSshSpec } from '../../src/targets/ssh-spec.js';
import { RIG, rig } from '../helpers/rig.js';
import { writeFiles } from '../helpers/temp.js';
import { expectNoop, labSkipReason } from './lab.js';
import { CONTAINERS_CONF, DEBIAN_IMAGES, podman, podmanOk, UBUNTU_IMAGES } from './podman.js';
import { accepted, freePort, sshdImage, sshLab, startHost } from './ssh-hosts.js';

const IMAGES = [UBUNTU_IMAGES.jammy, DEBIAN_IMAGES.bookworm];
const skipReason = labSkipReason('ssh target suite', IMAGES);
const NVIDIA_SMI = fileURLToPath(new URL('../fixtures/nvidia-smi/', import.meta.url));

// --target ssh:… against real sshd hosts (podman containers on loopback ports), with rig's own key and ssh config.
describe.skipIf(skipReason)('rig over SSH (--target ssh:[user@]host[:port])', () => {
  let dir: string;
  let lab: ReturnType<typeof sshLab>;
  const hosts: string[] = [];
  const ports: Record<'jammy' | 'bookworm', number> = { jammy: 0, bookworm: 0 };
  const names: Record<'jammy' | 'bookworm', string> = { jammy: '', bookworm: '' };
  const env = (more: Record<string, string> = {}) => ({ CONTAINERS_CONF, RIG_SSH: lab.ssh, RIG_STATE_DIR: join(dir, 'state'), RIG_TARGET_STATE: join(dir, 'unused'), XDG_RUNTIME_DIR: dir, ...more });
  const on = (host: 'jammy' | 'bookworm', user = 'root') => `ssh:${user}@127.0.0.1:${ports[host]}`;
  const sh = (host: 'jammy' | 'bookworm', script: string) => podman(['exec', names[host], 'bash', '-c', script]).then((r) => r.out.trim());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rig-e2e-ssh-'));
    lab = sshLab(dir);
    const users = [{ name: 'ada', sudo: 'nopasswd' as const }, { name: 'bob', sudo: 'password' as const }];
    for (const [host, image] of [['jammy', UBUNTU_IMAGES.jammy], ['bookworm', DEBIAN_IMAGES.bookworm]] as const) {
      names[host] = `rig-e2e-ssh-${host}-${randomBytes(3).toString('hex')}`;
      hosts.push(names[host]);
      ports[host] = await startHost(names[host], await sshdImage(image), `${lab.key}.pub`, users);
    }
  }, 600_000);
  afterAll(async () => {
    for (const h of hosts) await podman(['rm', '-f', '-t', '0', h]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs as root over one connection; the box has it; a second run does nothing; status, doctor, lock and export sh work there', async () => {
    const before = await accepted(names.jammy);
    const applied = await rig(['apply', 'git', 'cmake', '--target', on('jammy')], { env: env() });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await accepted(names.jammy)).toBe(before + 1);
    expect(await sh('jammy', "dpkg-query -W -f='${db:Status-Status}\\n' git cmake")).toBe('installed\ninstalled');
    expect(await sh('jammy', 'git --version')).toMatch(/^git version 2\./);

    expectNoop(await rig(['apply', 'git', 'cmake', '--target', on('jammy'), '--json'], { env: env() }));
    const status = await rig(['status', '--target', on('jammy')], { env: env() });
    expect(status.stdout).toMatch(/^Last run on ssh:root@127\.0\.0\.1:\d+: rig apply git cmake /m);
    const doctor = await rig(['doctor', 'git', 'cmake', '--target', on('jammy')], { env: env() });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);

    const file = join(dir, 'git.lock');
    const locked = await rig(['lock', 'git', '--target', on('jammy'), '-o', file], { env: env() });
    expect(locked.code, locked.stderr).toBe(0);
    const lock = lockSchema.parse(parse(readFileSync(file, 'utf8')));
    expect(lock.apt!.git!.version).toBe(await sh('jammy', "dpkg-query -W -f='${Version}' git"));
    // The journal is the host's, where root keeps it.
    expect(await sh('jammy', 'ls /var/lib/rig')).not.toBe('');

    // The exported script, run on another host as it is, installs the same.
    const script = join(dir, 'git.sh');
    const exported = await rig(['export', 'sh', 'git', '--target', on('jammy'), '-o', script], { env: env() });
    expect(exported.code, exported.stderr).toBe(0);
    await podmanOk(['cp', script, `${names.bookworm}:/tmp/git.sh`]);
    const ran = await podman(['exec', names.bookworm, 'bash', '/tmp/git.sh']);
    expect(ran.code, ran.out).toBe(0);
    expect(await sh('bookworm', 'git --version')).toMatch(/^git version 2\./);
    // Every run after the first went over the connection the first one kept open (RIG_SSH_PERSIST): one login in all.
    expect(await accepted(names.jammy)).toBe(before + 1);
    // With RIG_SSH_PERSIST=0 a run closes its own connection: sshd there is left with none (it holds one for jammy's).
    const sessions = (host: 'jammy' | 'bookworm') => sh(host, "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -q '^sshd: root' && echo $p; done | wc -l");
    expect(Number(await sessions('jammy'))).toBeGreaterThan(0);
    const closed = await rig(['facts', '--target', on('bookworm')], { env: env({ RIG_SSH_PERSIST: '0' }) });
    expect(closed.code, closed.stderr).toBe(0);
    await expect.poll(() => sessions('bookworm'), { timeout: 20_000, interval: 100 }).toBe('0');
  }, 600_000);

  it('as a user with passwordless sudo: root steps go through sudo -n, and what they install is root\'s', async () => {
    const applied = await rig(['apply', 'cmake', '--target', on('bookworm', 'ada')], { env: env() });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await sh('bookworm', "dpkg-query -W -f='${db:Status-Status}' cmake")).toBe('installed');
    expect(await sh('bookworm', 'stat -c %U /usr/bin/cmake')).toBe('root');
    expectNoop(await rig(['apply', 'cmake', '--target', on('bookworm', 'ada'), '--json'], { env: env() }));
  }, 600_000);

  it('a user whose sudo wants a password: one line naming the user, exit 2, nothing installed', async () => {
    const res = await rig(['apply', 'build-essential', '--target', on('bookworm', 'bob')], { env: env() });
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toMatch(/^rig: \S+build-essential\.yaml:\d+:\d+: apt step needs root, and bob is not root there and has no sudo that runs without a password/m);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(await sh('bookworm', "dpkg-query -W -f='${db:Status-Status}' build-essential 2>/dev/null")).not.toBe('installed');
  }, 120_000);

  it('--ask-become-pass: the password sudo wants, asked once, goes to sudo alone; a wrong one is a line naming the user', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    await sh('bookworm', `echo 'bob:${password}' | chpasswd`);
    const recipes = join(dir, 'become-recipes');
    // A root step that records, as root, what every process's command line and its own environment hold.
    writeFiles(recipes, {
      'become.yaml': `name: become\nsummary: a root step run through sudo with a password\ncheck:\n  run: test "$(stat -c %U /opt/become/by-root)" = root\nsteps:\n  - run: |-\n      mkdir -p /opt/become\n      cat /proc/[0-9]*/cmdline | tr '\\0' ' ' > /opt/become/cmdlines\n      tr '\\0' '\\n' < /proc/$$/environ > /opt/become/environ\n      touch /opt/become/by-root\n    root: true\n`,
    });
    const apply = (input: string, json: string[] = []) => rig(['apply', 'become', '--recipes', recipes, '--target', on('bookworm', 'bob'), '--ask-become-pass', ...json], { env: env(), input });
    const wrong = await apply('not-the-password\n');
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/^rig: --target ssh:bob@127\.0\.0\.1:\d+: sudo did not take the password of --ask-become-pass for bob: .*incorrect password/m);
    expect(await sh('bookworm', 'ls /opt/become 2>&1')).toMatch(/No such file/);

    const applied = await apply(`${password}\n`);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await sh('bookworm', 'stat -c %U /opt/become/by-root')).toBe('root');
    // sudo ran with -A; the password was on no command line and in no environment of the step.
    expect(await sh('bookworm', 'cat /opt/become/cmdlines')).toMatch(/\bsudo -A env /);
    expect(await sh('bookworm', 'cat /opt/become/cmdlines /opt/become/environ')).not.toContain(password);
    expect(await sh('bookworm', 'cat /opt/become/environ')).not.toMatch(/RIG_BECOME_PASS/);
    // Nothing of it is left on the host, nor in what rig keeps here.
    expect(await sh('bookworm', 'ls -d /tmp/rig-become-* 2>/dev/null; grep -rl -- ' + password + ' /home/bob /tmp /var/lib/rig 2>/dev/null')).toBe('');
    expect(spawnSync('grep', ['-rl', '--exclude-dir=become-recipes', '--', password, dir], { encoding: 'utf8' }).stdout).toBe('');
    expectNoop(await apply(`${password}\n`, ['--json']));

    // On a terminal (tmux's): one prompt, and what is typed is not echoed.
    const socket = `rig-become-${randomBytes(3).toString('hex')}`;
    const out = join(dir, `${socket}.out`);
    const vars = Object.entries(env()).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
    const command = `env ${vars} ${shq(process.execPath)} ${shq(RIG)} facts --target ${on('bookworm', 'bob')} -K > ${shq(out)}; echo "exit $?"; read -r _`;
    execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-x', '160', '-y', '24', 'bash', '-c', command]);
    try {
      const pane = () => execFileSync('tmux', ['-L', socket, 'capture-pane', '-p'], { encoding: 'utf8' });
      await expect.poll(pane, { timeout: 60_000, interval: 100 }).toMatch(/^BECOME password:$/m);
      execFileSync('tmux', ['-L', socket, 'send-keys', '-l', password]);
      execFileSync('tmux', ['-L', socket, 'send-keys', 'Enter']);
      await expect.poll(pane, { timeout: 60_000, interval: 100 }).toMatch(/^exit \d+$/m);
      expect(pane()).toMatch(/^exit 0$/m);
      expect(pane()).not.toContain(password);
      expect(pane().match(/BECOME password:/g)).toHaveLength(1);
      expect(readFileSync(out, 'utf8')).toMatch(/^sudo: true$/m);
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    }
  }, 300_000);

  it('a host that is down, a key it refuses, a host key that changed: one line naming the host, exit 2', async () => {
    const down = await freePort();
    const cases: [string, Record<string, string>, RegExp][] = [
      [`ssh:root@127.0.0.1:${down}`, {}, new RegExp(`^rig: --target ssh:root@127\\.0\\.0\\.1:${down}: cannot connect: .*Connection refused$`)],
      [on('jammy'), { RIG_SSH: `ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i ${lab.key}-other` },
        /^rig: --target ssh:root@127\.0\.0\.1:\d+: cannot connect: .*Permission denied \(publickey/],
      [on('jammy'), { RIG_SSH: `ssh -F /dev/null -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(dir, 'changed_hosts')} -i ${lab.key}` },
        /^rig: --target ssh:root@127\.0\.0\.1:\d+: cannot connect: .*(REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed)/],
    ];
    // Another key, that no host authorizes; a known_hosts file with another key for the jammy host.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${lab.key}-other`]);
    const otherHostKey = readFileSync(`${lab.key}-other.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(join(dir, 'changed_hosts'), `[127.0.0.1]:${ports.jammy} ${otherHostKey}\n`);
    for (const [target, more, said] of cases) {
      const res = await rig(['facts', '--target', target], { env: env(more) });
      expect(res.code, `${target}: ${res.stdout}${res.stderr}`).toBe(2);
      expect(res.stderr.trim().split('\n'), target).toHaveLength(1);
      expect(res.stderr.trim(), target).toMatch(said);
    }
  }, 120_000);

  it('a kept connection: the next run starts one ssh, with no login and no round trip before its first script', async () => {
    // A wrapper that logs each ssh it is asked to run: a socket is kept per ssh command, so both runs use the wrapper.
    const log = join(dir, 'ssh-argv.log');
    const wrapper = join(dir, 'logged-ssh');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${shq(log)}\nexec ssh -F ${shq(lab.config)} "$@"\n`, { mode: 0o755 });
    const first = await rig(['facts', '--target', on('jammy'), '--json'], { env: env({ RIG_SSH: wrapper }) });
    expect(first.code, first.stderr).toBe(0);
    const logins = await accepted(names.jammy);
    writeFileSync(log, '');
    const second = await rig(['facts', '--target', on('jammy'), '--json'], { env: env({ RIG_SSH: wrapper }) });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    const started = readFileSync(log, 'utf8').trim().split('\n');
    expect(started, started.join('\n')).toHaveLength(1);
    expect(started[0]).toMatch(/ bash -s$/);
    expect(await accepted(names.jammy)).toBe(logins);
  }, 120_000);

  it('a kept socket that answers but whose connection cannot reach the host: one line naming it, and -i calls it unreachable', async () => {
    const down = await freePort();
    const spec = `root@127.0.0.1:${down}`;
    const kept = join(dir, `rig-ssh-${process.getuid!()}`);
    mkdirSync(kept, { recursive: true, mode: 0o700 });
    // Something listening on the socket the kept connection would be at, that is not ssh's master (a socket left
    // behind and taken, or a master that stopped answering mid-run).
    let knocked = 0;
    const server = createServer((c) => {
      knocked += 1;
      c.destroy();
    });
    await new Promise<void>((resolve) => server.listen(keptControlPath(kept, lab.ssh.split(' '), parseSshSpec(spec)), resolve));
    try {
      const res = await rig(['facts', '--target', `ssh:${spec}`], { env: env() });
      expect(res.code, res.stdout + res.stderr).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr.trim()).toMatch(new RegExp(`^rig: --target ssh:root@127\\.0\\.0\\.1:${down}: cannot connect: .*Connection refused$`));
      const inventory = join(dir, 'down.ini');
      writeFileSync(inventory, `gone ansible_host=127.0.0.1 ansible_port=${down} ansible_user=root\n`);
      const fleet = await rig(['apply', 'git', '-i', inventory], { env: env() });
      expect(fleet.code, fleet.stdout + fleet.stderr).toBe(1);
      expect(fleet.stdout).toMatch(/^gone +unreachable: cannot connect: .*Connection refused +\d+ ms$/m);
      expect(fleet.stdout).toMatch(/^1 host: 1 unreachable in /m);
      // Both runs took the socket for a kept connection (it answered), and went on when ssh found no master there.
      expect(knocked).toBeGreaterThanOrEqual(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it('facts are the host\'s own: its GPU through its nvidia-smi, its OS', async () => {
    await podmanOk(['cp', join(NVIDIA_SMI, 'nvidia-smi'), `${names.bookworm}:/usr/bin/nvidia-smi`]);
    await sh('bookworm', 'mkdir -p /etc/nvidia-smi');
    await podmanOk(['cp', join(NVIDIA_SMI, 'driver-535-a10.txt'), `${names.bookworm}:/etc/nvidia-smi/box.txt`]);
    const res = await rig(['facts', '--target', on('bookworm', 'ada')], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^os\.codename: bookworm$/m);
    expect(res.stdout).toMatch(/^gpu\.driver: 535\.104\.05$/m);
    expect(res.stdout).toMatch(/^user: ada$/m);
    await sh('bookworm', 'rm -rf /usr/bin/nvidia-smi /etc/nvidia-smi');
  }, 120_000);

  it('stopped in the middle of a step: what the step started on the host is ended, and the next run finishes it', async () => {
    const recipes = join(dir, 'slow-recipes');
    const marker = `/tmp/rig-slow-${randomBytes(3).toString('hex')}`;
    writeFiles(recipes, {
      'slow.yaml': `name: slow\nsummary: a step that waits the first time\ncheck:\n  run: cat /opt/slow-done\nsteps:\n  - run: |-\n      if [ ! -e ${marker}.go ]; then sleep 4321 & echo started > ${marker}.fifo; wait; fi\n      echo 1 > /opt/slow-done\n    creates: /opt/slow-done\n    root: true\n`,
    });
    await sh('jammy', `mkfifo -m 666 ${marker}.fifo`);
    const child = spawn(process.execPath, [RIG, 'apply', 'slow', '--recipes', recipes, '--target', on('jammy', 'ada'), '--json'], { env: { ...process.env, ...env(), NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // The step says so, through a FIFO on the host, once its sleep runs there (as root, through sudo); then rig is stopped.
    expect(await sh('jammy', `cat ${marker}.fifo`)).toBe('started');
    expect(await sh('jammy', 'pgrep -fx "sleep 4321"')).toMatch(/^\d+$/);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await sh('jammy', 'pgrep -fx "sleep 4321" || echo none')).toBe('none');
    await sh('jammy', `touch ${marker}.go`);
    const again = await rig(['apply', 'slow', '--recipes', recipes, '--target', on('jammy', 'ada')], { env: env() });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await sh('jammy', 'cat /opt/slow-done')).toBe('1');
  }, 300_000);
});
