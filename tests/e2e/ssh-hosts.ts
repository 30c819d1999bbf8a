import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
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

// A TCP port nothing listens on now.
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
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

// One host: a container of `image` with sshd on `port`, the key's public half authorized for root, and `users` made
// (passwordless sudo for those marked so, sudo with a password for the others); resolved once sshd listens.
export async function startHost(name: string, image: string, port: number, publicKey: string, users: { name: string; sudo: 'nopasswd' | 'password' }[] = []): Promise<void> {
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
  await logLine(name, /Server listening on 127\.0\.0\.1 port/);
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
