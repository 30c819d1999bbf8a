import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError, UserErrors } from '../../src/errors.js';
import { readInventory } from '../../src/inventory/read.js';
import type { InventoryHost } from '../../src/inventory/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rig-inventory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

// A host as the tests compare it: where each param was set is left out.
function plain(h: InventoryHost) {
  return { ...h, sets: h.sets.map((s) => `${s.recipe}.${s.param}=${s.value}`) };
}

function refusal(file: string): string {
  try {
    readInventory(file);
  } catch (err) {
    if (err instanceof UserErrors) return err.errors.map((e) => e.line).join('\n');
    if (err instanceof UserError) return err.line;
    throw err;
  }
  throw new Error(`${file} was read`);
}

const PROXY = ['-o', 'ProxyJump=bastion.lab.example', '-o', 'StrictHostKeyChecking=accept-new'];
const ACCEPT = ['-o', 'StrictHostKeyChecking=accept-new'];
const LAB = [
  { name: 'mail.example.com', groups: ['ungrouped'], ssh: { host: 'mail.example.com', options: ACCEPT }, sets: [] },
  ...['01', '02', '03'].map((n) => ({ name: `gpu${n}.lab.example`, groups: ['lab', 'gpu'], ssh: { host: `gpu${n}.lab.example`, user: 'ada', options: ACCEPT }, sets: ['pytorch.variant=cpu'] })),
  { name: 'gpu-h200', groups: ['lab', 'gpu'], ssh: { host: '10.0.0.50', port: 2222, user: 'ops', options: ACCEPT }, sets: ['pytorch.variant=cpu', 'pytorch.variant=cu130', 'faiss.gpu=true'] },
  { name: 'cpu-a', groups: ['lab', 'cpu'], ssh: { host: 'cpu-a', port: 2200, user: 'ops', options: ACCEPT }, sets: ['pytorch.variant=cpu'] },
  { name: 'cpu-b', groups: ['lab', 'cpu'], ssh: { host: 'cpu-b', user: 'ops', identityFile: '~/.ssh/lab', options: PROXY }, become: false, sets: ['pytorch.variant=cpu'] },
];

describe('rig -i FILE: the inventory forms', () => {
  it('reads the same lab from Ansible INI, Ansible YAML and rig\'s own YAML: ranges, ports, group vars, children, precedence', () => {
    for (const file of ['lab.ini', 'lab.yaml', 'lab-rig.yaml']) {
      const hosts = readInventory(join(FIXTURES, file)).map(plain);
      expect(hosts.map((h) => h.name), file).toEqual(LAB.map((h) => h.name));
      for (const want of LAB) expect(hosts.find((h) => h.name === want.name), `${file} ${want.name}`).toEqual(want);
    }
  });

  it('names where each param was set, for the messages about it', () => {
    const h200 = readInventory(join(FIXTURES, 'lab.ini')).find((h) => h.name === 'gpu-h200')!;
    expect(h200.sets.map((s) => s.flag)).toEqual([
      expect.stringMatching(/lab\.ini:18:1: rig_set pytorch\.variant=cpu$/),
      expect.stringMatching(/lab\.ini:6:51: rig_set pytorch\.variant=cu130$/),
      expect.stringMatching(/lab\.ini:6:51: rig_set faiss\.gpu=true$/),
    ]);
  });

  it('tells an INI inventory by its content when the file has no extension; a host in two groups is one host', () => {
    const file = write('hosts', '[a]\nbox1 ansible_port=2201\n[b]\nbox1 ansible_user=ada\nbox2\n');
    expect(readInventory(file).map(plain)).toEqual([
      { name: 'box1', groups: ['a', 'b'], ssh: { host: 'box1', port: 2201, user: 'ada', options: [] }, sets: [] },
      { name: 'box2', groups: ['b'], ssh: { host: 'box2', options: [] }, sets: [] },
    ]);
    expect(readInventory(write('one-host', 'gpu-07\n')).map((h) => h.name)).toEqual(['gpu-07']);
    expect(readInventory(write('v6.ini', '[::1]:2222\nfe80::7\n')).map((h) => h.ssh)).toEqual([{ host: '::1', port: 2222, options: [] }, { host: 'fe80::7', options: [] }]);
    expect(readInventory(write('steps.ini', 'n[1:7:3] \nx[a:c]\n')).map((h) => h.name)).toEqual(['n1', 'n4', 'n7', 'xa', 'xb', 'xc']);
  });

  it('refuses a broken inventory with one line naming file:line:col', () => {
    const cases: [string, string, RegExp][] = [
      ['bad-section.ini', '[gpu:hostvars]\nbox\n', /bad-section\.ini:1:1: \[gpu:hostvars\]: a section is/],
      ['bad-var.ini', '[gpu]\nbox ansible_port\n', /bad-var\.ini:2:5: "ansible_port": expected KEY=VALUE/],
      ['bad-port.ini', '[gpu]\nbox ansible_port=99999\n', /bad-port\.ini:2:5: ansible_port 99999: expected a port from 1 to 65535/],
      ['bad-quote.ini', '[gpu]\nbox rig_set="a.b=c\n', /bad-quote\.ini:2:1: no closing quotation/],
      ['bad-host.ini', '[gpu]\n-oProxyCommand=x\n', /bad-host\.ini:2:1: host "-oProxyCommand=x": expected a host name/],
      ['bad-user.ini', '[gpu]\nbox ansible_user=-l\n', /bad-user\.ini:2:5: ansible_user "-l": expected a user name/],
      ['bad-set.ini', '[gpu:vars]\nrig_set=nodot\n[gpu]\nbox\n', /bad-set\.ini:2:1: rig_set nodot: expected recipe\.param=value/],
      ['bad-local.ini', 'box ansible_connection=local\n', /bad-local\.ini:1:5: ansible_connection=local: rig reaches the hosts of an inventory over ssh only/],
      ['loop.ini', '[a:children]\nb\n[b:children]\na\n[a]\nbox\n', /loop\.ini:\d+:1: group [ab] is its own child: (a → b → a|b → a → b)/],
      ['range.ini', 'n[9:1]\n', /range\.ini:1:1: n\[9:1\]: a range goes up/],
      ['bad-key.yaml', 'all:\n  hosts:\n    box:\n  childs:\n    gpu:\n', /bad-key\.yaml:4:3: all\.childs: unknown key "childs" of group all/],
      ['bad-become.yaml', 'all:\n  hosts:\n    box:\n      ansible_become: sometimes\n', /bad-become\.yaml:4:23: ansible_become: expected true or false/],
      ['bad-rig.yaml', 'hosts:\n  box: root@box\ngroups:\n  gpu:\n    hosts: [bax]\n', /bad-rig\.yaml:5:13: groups\.gpu\.hosts\[0\]: no host "bax" under hosts \(did you mean "box"\?\)$/],
      ['bad-spec.yaml', 'hosts:\n  box: root@box:70000\n', /bad-spec\.yaml:2:8: hosts\.box: "root@box:70000": expected \[user@\]host\[:port\]/],
      ['bad-field.yaml', 'hosts:\n  box: { ssh: box, port: 22 }\n', /bad-field\.yaml:2:\d+: .*port/],
      ['empty.ini', '# nothing yet\n[gpu]\n', /-i .*empty\.ini: the inventory names no host/],
    ];
    for (const [name, text, want] of cases) expect(refusal(write(name, text)), name).toMatch(want);
    expect(refusal(join(dir, 'absent.ini'))).toMatch(/^-i .*absent\.ini: cannot read the inventory: ENOENT$/);
  });
});
