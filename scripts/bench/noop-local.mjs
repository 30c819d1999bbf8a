// No-op, local: an 11-task setup as rig recipes and as an Ansible playbook, both already applied; time a second run of each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, RIG, run, times } from './lib.mjs';

// The same 11 tasks for both tools: their files under `dir` here, what they manage under `root` on the target.
export function writeNoopSetup(dir, root) {
  const recipes = join(dir, 'recipes');
  mkdirSync(recipes, { recursive: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(recipes, 'noop.yaml'), `name: noop
summary: an 11-task setup (3 packages, a directory, a file, a copied config, two commands with creates, a line, a stat, an assertion)
steps:
  - apt: [bash]
  - apt: [coreutils]
  - apt: [tar]
  - run: mkdir -p ${root}/box
    creates: ${root}/box
  - file: ${root}/box/motd
    content: "hello\\n"
  - file: ${root}/box/app.conf
    content: "[app]\\nport = 8080\\n"
  - run: touch ${root}/box/command-done
    creates: ${root}/box/command-done
  - run: echo ok > ${root}/box/shell-done
    creates: ${root}/box/shell-done
  - file: ${root}/box/profile
    line: export BOX=1
verify:
  - test -d ${root}/box
  - grep -q 8080 ${root}/box/app.conf
`);
  writeFileSync(join(dir, 'app.conf'), '[app]\nport = 8080\n');
  writeFileSync(join(dir, 'playbook.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - { name: bash, apt: { name: bash, state: present } }
    - { name: coreutils, apt: { name: coreutils, state: present } }
    - { name: tar, apt: { name: tar, state: present } }
    - { name: dir, file: { path: ${root}/box, state: directory } }
    - { name: motd, copy: { dest: ${root}/box/motd, content: "hello\\n" } }
    - { name: config, copy: { src: ${dir}/app.conf, dest: ${root}/box/app.conf } }
    - { name: command, command: { cmd: touch ${root}/box/command-done, creates: ${root}/box/command-done } }
    - { name: shell, shell: { cmd: echo ok > ${root}/box/shell-done, creates: ${root}/box/shell-done } }
    - { name: line, lineinfile: { path: ${root}/box/profile, line: export BOX=1, create: true } }
    - { name: stat, stat: { path: ${root}/box }, register: box }
    - { name: assert, assert: { that: [box.stat.isdir] } }
`);
  mkdirSync(join(dir, 'ansible'), { recursive: true });
  writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\nhome = ${dir}/ansible\nlocal_tmp = ${dir}/ansible/tmp\nremote_tmp = /tmp/.rig-bench-ansible\nhost_key_checking = False\nretry_files_enabled = False\ninterpreter_python = auto_silent\n`);
  return { recipes, playbook: join(dir, 'playbook.yml'), ansibleEnv: { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg') } };
}

// Apply once with each tool, check that a second run changes nothing, then time second runs side by side.
export function compareNoop(label, runs, rigCmd, ansibleCmd) {
  run(...rigCmd);
  run(...ansibleCmd);
  const second = run(...ansibleCmd);
  if (!/changed=0/.test(second.stdout)) throw new Error(`the playbook is not a no-op on its second run:\n${second.stdout}`);
  const rigJson = run(rigCmd[0], [...rigCmd[1], '--json'], rigCmd[2]).stdout;
  if (!/"type":"run-done","ok":true,"ran":0/.test(rigJson)) throw new Error(`rig's second run was not a no-op:\n${rigJson}`);
  const rig = median(times(runs, ...rigCmd));
  const ansible = median(times(runs, ...ansibleCmd));
  return { scenario: label, rig: fmt(rig), peer: `ansible-playbook ${fmt(ansible)}`, ratio: `${(ansible / rig).toFixed(1)}× faster`, goal: '≥ 10×', ok: ansible / rig >= 10 };
}

// No-op on this machine: ansible with connection local, rig with its local target.
export function benchNoopLocal(dir, runs) {
  const setup = writeNoopSetup(dir, join(dir, 'target'));
  const env = { ...process.env, CI: '1', RIG_STATE_DIR: join(dir, 'state') };
  return [compareNoop('no-op, local (11 tasks)', runs,
    [process.execPath, [RIG, 'apply', 'noop', '--recipes', setup.recipes], { env }],
    ['ansible-playbook', ['-i', 'localhost,', '-c', 'local', setup.playbook], { env: setup.ansibleEnv }])];
}
