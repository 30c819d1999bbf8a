// Many hosts over ssh: the 11-task setup on 10 and 30 hosts (podman containers of Debian 12 running sshd on loopback
// ports), rig apply -i against ansible-playbook -i with the same inventory (pipelining on, both keeping connections),
// for a no-op and for a small install (what the tasks manage removed from every host before each run).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, RIG, run } from './lib.mjs';
import { writeNoopSetup } from './noop-local.mjs';
import { IMAGE, podmanEnv } from './podman.mjs';

const SSHD_IMAGE = 'localhost/rig-bench-sshd';
const REVISION = '1';
const ROOT = '/opt/rig-bench';
const FIRST_PORT = 42200;
// How long both tools keep a host's connection open once idle: longer than the other tool's run between two of theirs.
const KEEP_S = 300;

// The base image with openssh-server, and python3 and python3-apt for Ansible's modules (built once, kept).
function sshdImage(env) {
  const inspect = spawnSync('podman', ['image', 'inspect', '--format', '{{index .Config.Labels "rig.bench-sshd"}}', SSHD_IMAGE], { env, encoding: 'utf8' });
  const label = inspect.status === 0 ? inspect.stdout.trim() : '';
  if (label === REVISION) return;
  const mk = `rig-bench-mk-sshd-${randomBytes(3).toString('hex')}`;
  try {
    run('podman', ['run', '--name', mk, '--network', 'host', IMAGE, 'bash', '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server python3 python3-apt >/dev/null && ssh-keygen -A >/dev/null'], { env });
    run('podman', ['commit', '-q', '--change', `LABEL rig.bench-sshd=${REVISION}`, mk, SSHD_IMAGE], { env });
  } finally {
    run('podman', ['rm', '-f', mk], { env });
  }
}

// `count` hosts: containers running sshd on ports from FIRST_PORT, the key authorized for root; returns when each
// answers over ssh.
function startHosts(count, dir, env) {
  const key = join(dir, 'key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const config = join(dir, 'ssh_config');
  writeFileSync(config, `Host *\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`);
  const hosts = Array.from({ length: count }, (_, i) => ({ name: `h${String(i + 1).padStart(2, '0')}`, port: FIRST_PORT + i, container: `rig-bench-fleet-${i + 1}` }));
  for (const h of hosts) {
    run('podman', ['rm', '-f', '-t', '0', h.container], { env });
    run('podman', ['run', '-d', '--name', h.container, '--network', 'host', '-v', `${key}.pub:/tmp/key.pub:ro`, SSHD_IMAGE, 'bash', '-c',
      `mkdir -p -m 700 /root/.ssh && cp /tmp/key.pub /root/.ssh/authorized_keys && mkdir -p -m 755 /run/sshd && exec /usr/sbin/sshd -D -e -p ${h.port} -o ListenAddress=127.0.0.1 -o UsePAM=no -o PermitRootLogin=prohibit-password -o StrictModes=no`], { env });
  }
  // sshd listens a moment after its container starts: ssh is tried until it gets in (ConnectionAttempts waits 1 s between tries).
  for (const h of hosts) run('ssh', ['-F', config, '-o', 'BatchMode=yes', '-o', 'ConnectionAttempts=30', '-p', String(h.port), 'root@127.0.0.1', 'true']);
  return { hosts, config };
}

function writeInventory(dir, hosts) {
  const file = join(dir, `hosts-${hosts.length}.ini`);
  writeFileSync(file, `[lab]\n${hosts.map((h) => `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port}`).join('\n')}\n\n[all:vars]\nansible_user=root\n`);
  return file;
}

// Remove what the tasks manage from every host, so that the next run installs it.
function resetHosts(hosts, env) {
  for (const h of hosts) run('podman', ['exec', h.container, 'rm', '-rf', ROOT], { env });
}

// Time rig and ansible on these hosts, `runs` times each, alternating; before each run, `before` (not timed).
function timeBoth(runs, rigCmd, ansibleCmd, before) {
  const rig = [];
  const ansible = [];
  for (let i = 0; i < runs; i++) {
    before();
    rig.push(run(...rigCmd).ms);
    before();
    ansible.push(run(...ansibleCmd).ms);
  }
  return { rig: median(rig), ansible: median(ansible) };
}

// The four rows per host count (no-op and install), and how each tool's time grows from the fewest hosts to the most.
export function benchFleet(dir, runs, counts) {
  const env = podmanEnv();
  sshdImage(env);
  mkdirSync(dir, { recursive: true });
  const setup = writeNoopSetup(join(dir, 'setup'), ROOT);
  const { hosts, config } = startHosts(Math.max(...counts), dir, env);
  writeFileSync(join(dir, 'setup', 'ansible.cfg'), `[defaults]\nhome = ${dir}/ansible\nlocal_tmp = ${dir}/ansible/tmp\nremote_tmp = /tmp/.rig-bench-ansible\nhost_key_checking = False\nretry_files_enabled = False\ninterpreter_python = /usr/bin/python3\nforks = 10\n\n[ssh_connection]\npipelining = True\nssh_args = -F ${config} -o ControlMaster=auto -o ControlPersist=${KEEP_S}s\n`);
  const rigEnv = { ...env, CI: '1', RIG_SSH: `ssh -F ${config}`, RIG_SSH_PERSIST: String(KEEP_S), RIG_STATE_DIR: join(dir, 'state') };
  const rows = [];
  const noop = {};
  try {
    for (const count of counts) {
      const inventory = writeInventory(dir, hosts.slice(0, count));
      const rigCmd = [process.execPath, [RIG, 'apply', 'noop', '--recipes', setup.recipes, '-i', inventory], { env: rigEnv }];
      const ansibleCmd = ['ansible-playbook', ['-i', inventory, setup.playbook], { env: setup.ansibleEnv }];
      const label = `${count} hosts over ssh (11 tasks, forks 10)`;
      // A first run of each, then proof that a second one changes nothing on any host.
      run(...rigCmd);
      run(...ansibleCmd);
      const recap = run(...ansibleCmd).stdout;
      if ((recap.match(/^\S+\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/gm) ?? []).length !== count) throw new Error(`the playbook is not a no-op on ${count} hosts:\n${recap}`);
      const json = run(rigCmd[0], [...rigCmd[1], '--json'], rigCmd[2]).stdout;
      const done = json.split('\n').filter((l) => l.includes('"type":"host-done"'));
      if (done.length !== count || done.some((l) => !l.includes('"ran":0'))) throw new Error(`rig's second run on ${count} hosts was not a no-op:\n${json}`);
      const n = timeBoth(runs, rigCmd, ansibleCmd, () => undefined);
      noop[count] = n;
      rows.push({ scenario: `no-op, ${label}`, rig: fmt(n.rig), peer: `ansible-playbook ${fmt(n.ansible)}`, ratio: `${(n.ansible / n.rig).toFixed(1)}× faster`, goal: count === counts[0] ? '≥ 10×' : '', ok: n.ansible / n.rig >= 10 });
      const inst = timeBoth(runs, rigCmd, ansibleCmd, () => resetHosts(hosts.slice(0, count), env));
      rows.push({ scenario: `small install, ${label}`, rig: fmt(inst.rig), peer: `ansible-playbook ${fmt(inst.ansible)}`, ratio: `${(inst.ansible / inst.rig).toFixed(1)}× faster`, goal: '', ok: true });
    }
    const [few, most] = [counts[0], counts.at(-1)];
    const grow = noop[most].rig / noop[few].rig;
    rows.push({ scenario: `no-op, ${few} → ${most} hosts`, rig: `×${grow.toFixed(2)} time`, peer: `ansible-playbook ×${(noop[most].ansible / noop[few].ansible).toFixed(2)}`, ratio: '', goal: '< 2×', ok: grow < 2 });
  } finally {
    for (const h of hosts) run('podman', ['rm', '-f', '-t', '0', h.container], { env });
  }
  return rows;
}
