import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CONTAINERS_CONF, podman, podmanOk } from './podman.js';

// Hosts for the SSH target: podman containers on the host network, each running sshd on its own loopback port
// (../TESTLAB: "Many hosts with their own filesystems"), reached with a key of the test's own through an ssh config
// of its own (RIG_SSH="ssh -F CONFIG"), so nothing of the user's ~/.ssh is read or written.

// Revision of the sshd images: bumped when what they hold changes.
const REVISION = '1';

// An image of `base` with openssh-server and sudo (built once, kept, built again at another revision).
export async function sshdImage(base: string): Promise<string> {
  const tag = `${base}-sshd`;
  const label = (await podman(['image', 'inspect', '--format', '{{index .Config.Labels "rig.test-sshd"}}', tag])).out.trim();
  if (label === REVISION) return tag;
  const mk = `rig-mk-sshd-${randomBytes(4).toString('hex')}`;
  try {
    await podmanOk(['run', '--name', mk, '--network', 'host', base, 'bash', '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server sudo >/dev/null && ssh-keygen -A >/dev/null && rm -rf /var/lib/apt/lists/*']);
    await podmanOk(['commit', '-q', '--change', `LABEL rig.test-sshd=${REVISION}`, mk, tag]);
  } finally {
    await podman(['rm', '-f', mk]);
  }
  return tag;
}

// A TCP port nothing listens on now, below the kernel's ephemeral range: a port listen(0) gave would be free only
// until another test's listen(0) or outgoing connection takes it, before sshd binds it.
export async function freePort(): Promise<number> {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  for (;;) {
    const port = 10_000 + randomInt(Math.max(1, low - 10_000));
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) continue;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
}

// A key pair and an ssh config that uses it for every host, trusting each host key on first sight.
export function sshLab(dir: string): { key: string; config: string; knownHosts: string; ssh: string } {
  const key = join(dir, 'key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rig-test', '-f', key]);
  const knownHosts = join(dir, 'known_hosts');
  const config = join(dir, 'config');
  writeFileSync(config, `Host *\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile ${knownHosts}\n  LogLevel ERROR\n`);
  return { key, config, knownHosts, ssh: `ssh -F ${config}` };
}

// One host: a container of `image` with sshd on a free loopback port, the key's public half authorized for root, and
// `users` made (passwordless sudo for those marked so, sudo with a password for the others); resolves to the port once
// sshd listens there (on another port, made again, when something took that one first).
export async function startHost(name: string, image: string, publicKey: string, users: { name: string; sudo: 'nopasswd' | 'password' }[] = []): Promise<number> {
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    const setup = [
      'mkdir -p -m 700 /root/.ssh && cp /tmp/key.pub /root/.ssh/authorized_keys',
      ...users.flatMap((u) => [
        `useradd -m -s /bin/bash ${u.name} && usermod -p '*' ${u.name}`,
        `mkdir -p /home/${u.name}/.ssh && cp /tmp/key.pub /home/${u.name}/.ssh/authorized_keys && chown -R ${u.name} /home/${u.name}/.ssh`,
        `echo '${u.name} ALL=(ALL) ${u.sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL' > /etc/sudoers.d/${u.name}`,
      ]),
      'mkdir -p -m 755 /run/sshd',
      `exec /usr/sbin/sshd -D -e -p ${port} -o ListenAddress=127.0.0.1 -o UsePAM=no -o PermitRootLogin=prohibit-password -o StrictModes=no`,
    ].join(' && ');
    await podmanOk(['run', '-d', '--name', name, '--network', 'host', '-v', `${publicKey}:/tmp/key.pub:ro`, image, 'bash', '-c', setup]);
    try {
      await logLine(name, /Server listening on 127\.0\.0\.1 port/);
      return port;
    } catch (err) {
      if (tries >= 5 || !/Address already in use/.test(String(err))) throw err;
      await podman(['rm', '-f', '-t', '0', name]);
    }
  }
}

// Resolves when the container's log has a line matching `pattern` (read as it is written); rejects when the log ends first.
export function logLine(name: string, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const logs = spawn('podman', ['logs', '-f', name], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CONTAINERS_CONF } });
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        logs.kill();
        resolve();
      }
    };
    logs.stdout.on('data', look);
    logs.stderr.on('data', look);
    logs.on('close', () => reject(new Error(`${name}: its log ended without ${pattern}:\n${seen}`)));
  });
}

// How many connections sshd on the host accepted so far (its log has a line for each).
export async function accepted(name: string): Promise<number> {
  return ((await podman(['logs', name])).out.match(/^Accepted publickey for /gm) ?? []).length;
}
