// No-op, local: an 11-task setup as rig recipes and as an Ansible playbook, both already applied; time a second run of each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, RIG, run, times } from './lib.mjs';

// The same 11 tasks for both tools, all under `dir`.
export function writeNoopSetup(dir, { ansibleTarget }) {
  const recipes = join(dir, 'recipes');
  mkdirSync(recipes, { recursive: true });
  writeFileSync(join(recipes, 'noop.yaml'), `name: noop
summary: an 11-task setup (3 packages, a directory, a file, a copied config, two commands with creates, a line, a stat, an assertion)
steps:
  - apt: [bash]
  - apt: [coreutils]
  - apt: [tar]
  - run: mkdir -p ${dir}/box
    creates: ${dir}/box
  - file: ${dir}/box/motd
    content: "hello\\n"
  - file: ${dir}/box/app.conf
    content: "[app]\\nport = 8080\\n"
  - run: touch ${dir}/box/command-done
    creates: ${dir}/box/command-done
  - run: echo ok > ${dir}/box/shell-done
    creates: ${dir}/box/shell-done
  - file: ${dir}/box/profile
    line: export BOX=1
verify:
  - test -d ${dir}/box
  - grep -q 8080 ${dir}/box/app.conf
`);
  writeFileSync(join(dir, 'app.conf'), '[app]\nport = 8080\n');
  writeFileSync(join(dir, 'playbook.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - { name: bash, apt: { name: bash, state: present } }
    - { name: coreutils, apt: { name: coreutils, state: present } }
    - { name: tar, apt: { name: tar, state: present } }
    - { name: dir, file: { path: ${dir}/box, state: directory } }
    - { name: motd, copy: { dest: ${dir}/box/motd, content: "hello\\n" } }
    - { name: config, copy: { src: ${dir}/app.conf, dest: ${dir}/box/app.conf } }
    - { name: command, command: { cmd: touch ${dir}/box/command-done, creates: ${dir}/box/command-done } }
    - { name: shell, shell: { cmd: echo ok > ${dir}/box/shell-done, creates: ${dir}/box/shell-done } }
    - { name: line, lineinfile: { path: ${dir}/box/profile, line: export BOX=1, create: true } }
    - { name: stat, stat: { path: ${dir}/box }, register: box }
    - { name: assert, assert: { that: [box.stat.isdir] } }
`);
  mkdirSync(join(dir, 'ansible'), { recursive: true });
  writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\nhome = ${dir}/ansible\nlocal_tmp = ${dir}/ansible/tmp\nremote_tmp = /tmp/.rig-bench-ansible\nhost_key_checking = False\nretry_files_enabled = False\ninterpreter_python = auto_silent\n`);
  return { recipes, playbook: join(dir, 'playbook.yml'), ansibleEnv: { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg') }, ansibleTarget };
}

// Time a second (no-op) run of each tool; returns rows for the report.
export function benchNoopLocal(dir, runs) {
  const setup = writeNoopSetup(dir, { ansibleTarget: 'local' });
  const rigArgs = [RIG, 'apply', 'noop', '--recipes', setup.recipes];
  const env = { ...process.env, CI: '1', RIG_STATE_DIR: join(dir, 'state') };
  const ansibleArgs = ['-i', 'localhost,', '-c', 'local', setup.playbook];
  run(process.execPath, rigArgs, { env });
  run('ansible-playbook', ansibleArgs, { env: setup.ansibleEnv });
  const second = run('ansible-playbook', ansibleArgs, { env: setup.ansibleEnv });
  if (!/changed=0/.test(second.stdout)) throw new Error(`the playbook is not a no-op on its second run:\n${second.stdout}`);
  const rig = median(times(runs, process.execPath, rigArgs, { env }));
  const ansible = median(times(runs, 'ansible-playbook', ansibleArgs, { env: setup.ansibleEnv }));
  return [{ scenario: 'no-op, local (11 tasks)', rig: fmt(rig), peer: `ansible-playbook ${fmt(ansible)}`, ratio: `${(ansible / rig).toFixed(1)}× faster`, goal: '≥ 10×', ok: ansible / rig >= 10 }];
}
