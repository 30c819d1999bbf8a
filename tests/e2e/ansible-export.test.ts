import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { writeFiles } from '../helpers/temp.js';
import { expectNoop, labSkipReason } from './lab.js';
import { CONTAINERS_CONF, DEBIAN_IMAGES, podman, UBUNTU_IMAGES } from './podman.js';
import { sshdImage, sshLab, startHost } from './ssh-hosts.js';

const skipReason = labSkipReason('Ansible export suite', [UBUNTU_IMAGES.jammy, DEBIAN_IMAGES.bookworm]);
const FLEET_RECIPES = fileURLToPath(new URL('../fixtures/fleet-recipes', import.meta.url));
// A recipe whose plan depends on a fact: the file holds the codename of the box it was planned for.
const WHERE = 'name: where-am-i\nsummary: the codename the plan was made for, in a file\ncheck:\n  run: grep -qx {{ facts.os.codename }} /opt/fleet/planned-for\nsteps:\n  - file: /opt/fleet/planned-for\n    content: "{{ facts.os.codename }}\\n"\n';

// rig export ansible, run by the real ansible-playbook against sshd hosts (podman containers on loopback ports, no
// Python on them): the box ends as rig apply leaves it, a second run changes nothing, rig agrees, drift is undone, and a
// host that is not the box the playbook was rendered for is stopped before anything runs there.
describe.skipIf(skipReason)('rig export ansible, run by ansible-playbook', () => {
  let dir: string;
  let lab: ReturnType<typeof sshLab>;
  const ports = new Map<string, number>();
  const containers = new Map<string, string>();
  const recipes = () => ['--recipes', FLEET_RECIPES, '--recipes', join(dir, 'recipes')];
  const env = () => ({ CONTAINERS_CONF, RIG_SSH: lab.ssh, RIG_STATE_DIR: join(dir, 'state'), RIG_TARGET_STATE: join(dir, 'unused'), XDG_RUNTIME_DIR: dir });
  const sh = (host: string, script: string) => podman(['exec', containers.get(host)!, 'bash', '-c', script]).then((r) => r.out.trim());
  const playbook = (limit?: string) => execa('ansible-playbook', ['-i', join(dir, 'hosts.ini'), ...(limit ? ['--limit', limit] : []), join(dir, 'playbook', 'site.yml')], { reject: false, all: true, env: { ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' } });
  // PLAY RECAP counts of a host: "a1 : ok=5 changed=2 unreachable=0 failed=0 …".
  const recap = (out: string, host: string) => Object.fromEntries([...(new RegExp(`^${host} +: (.*)$`, 'm').exec(out)?.[1] ?? '').matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rig-e2e-ansible-'));
    lab = sshLab(dir);
    writeFiles(join(dir, 'recipes'), { 'where-am-i.yaml': WHERE });
    const images = { jammy: await sshdImage(UBUNTU_IMAGES.jammy), bookworm: await sshdImage(DEBIAN_IMAGES.bookworm) };
    const hosts = [['a1', images.jammy], ['a2', images.jammy], ['b1', images.bookworm]] as const;
    const suffix = randomBytes(3).toString('hex');
    for (const [name, image] of hosts) {
      containers.set(name, `rig-e2e-ansible-${name}-${suffix}`);
      ports.set(name, await startHost(containers.get(name)!, image, `${lab.key}.pub`));
    }
    writeFileSync(join(dir, 'hosts.ini'), ['[lab]', ...hosts.map(([name]) => `${name} ansible_host=127.0.0.1 ansible_port=${ports.get(name)} ansible_user=root`), ''].join('\n'));
    writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\nhome = ${dir}/ansible\nlocal_tmp = ${dir}/ansible/tmp\nremote_tmp = /tmp/.rig-ansible\nhost_key_checking = False\nretry_files_enabled = False\n\n[ssh_connection]\nssh_args = -F ${lab.config} -o ControlMaster=auto -o ControlPersist=60s\n`);
  }, 600_000);
  afterAll(async () => {
    for (const c of containers.values()) await podman(['rm', '-f', '-t', '0', c]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs on the hosts it was rendered for, stops the one that differs, changes nothing the second time, and undoes drift', async () => {
    const exported = await rig(['export', 'ansible', 'fleet-greeting', 'where-am-i', ...recipes(), '--set', 'fleet-greeting.greeting=from-ansible', '--target', `ssh:root@127.0.0.1:${ports.get('a1')}`, '-o', join(dir, 'playbook')], { env: env() });
    expect(exported.code, exported.stderr).toBe(0);

    const first = await playbook();
    expect(first.exitCode, first.all).toBe(2);
    for (const host of ['a1', 'a2']) {
      expect(recap(first.all!, host), first.all).toMatchObject({ failed: 0, unreachable: 0, changed: 3 });
      expect(await sh(host, '/opt/fleet/bin/greet')).toBe('from-ansible');
      expect(await sh(host, 'cat /opt/fleet/planned-for')).toBe('jammy');
    }
    // The Debian host is not the Ubuntu box the plan was made for: stopped at the facts, nothing written there.
    expect(recap(first.all!, 'b1')).toMatchObject({ failed: 1, changed: 0 });
    expect(first.all).toMatch(/rig: this host is not the box the playbook was rendered for \(os\.codename bookworm here, jammy in the playbook/);
    expect(await sh('b1', 'ls /opt/fleet 2>&1')).toMatch(/No such file/);

    // rig apply finds what the playbook installed satisfied; the playbook again changes nothing.
    expectNoop(await rig(['apply', 'fleet-greeting', 'where-am-i', ...recipes(), '--set', 'fleet-greeting.greeting=from-ansible', '--target', `ssh:root@127.0.0.1:${ports.get('a2')}`, '--json'], { env: env() }));
    const again = await playbook('a1:a2');
    expect(again.exitCode, again.all).toBe(0);
    for (const host of ['a1', 'a2']) expect(recap(again.all!, host)).toMatchObject({ failed: 0, changed: 0 });

    // A greeting changed on one host: only its step runs again there, and the greeting is back.
    await sh('a2', 'echo drifted > /opt/fleet/greeting');
    const undone = await playbook('a1:a2');
    expect(undone.exitCode, undone.all).toBe(0);
    expect(recap(undone.all!, 'a1')).toMatchObject({ changed: 0 });
    expect(recap(undone.all!, 'a2')).toMatchObject({ changed: 1 });
    expect(await sh('a2', '/opt/fleet/bin/greet')).toBe('from-ansible');
  }, 600_000);

  it('refuses a folder that is not one it wrote, and leaves it as it was', async () => {
    const other = join(dir, 'not-rigs');
    writeFiles(other, { 'site.yml': '- hosts: all\n' });
    const refused = await rig(['export', 'ansible', 'fleet-greeting', ...recipes(), '--target', `ssh:root@127.0.0.1:${ports.get('a1')}`, '-o', other], { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^rig: --output \S+not-rigs: the folder exists and is not one rig wrote \(no site\.yml of rig's\); give a new folder$/m);
    expect(readdirSync(other)).toEqual(['site.yml']);
    expect(readFileSync(join(other, 'site.yml'), 'utf8')).toBe('- hosts: all\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const noDir = await rig(['export', 'ansible', 'fleet-greeting', ...recipes()], { env: env() });
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toBe('rig: --output: export ansible writes a folder: give -o DIR');
  }, 120_000);
});
