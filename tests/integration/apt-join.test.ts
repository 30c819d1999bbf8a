import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// Fake apt-get and dpkg-query on PATH: dpkg-query reports the packages apt-get "installed"; apt-get logs each call.
function fakeApt(root: string): Record<string, string> {
  const db = join(root, 'dpkg.db');
  writeFiles(root, {
    'bin/dpkg-query': `#!/bin/bash\nfor p in "\${@: -$(( $# - 2 ))}"; do grep -qx "$p" ${db} 2>/dev/null && echo installed || echo "dpkg-query: no packages found matching $p" >&2; done\n`,
    'bin/apt-get': `#!/bin/bash\n[ "$1" = -o ] && shift 2\necho "$*" >> ${root}/apt.log\nif [ "$1" = install ]; then for p in "$@"; do case "$p" in -*|install) ;; *) echo "$p" >> ${db} ;; esac; done; fi\n`,
    'dpkg.db': '',
  });
  for (const tool of ['dpkg-query', 'apt-get']) chmodSync(join(root, 'bin', tool), 0o755);
  return { PATH: `${join(root, 'bin')}:${process.env.PATH}` };
}

describe('adjacent apt recipes', () => {
  it('install with one apt-get, and each is then checked on its own', async () => {
    const root = tempDir();
    const check = (pkg: string) => `check:\n  run: dpkg-query -W -f='\${db:Status-Status}\\n' ${pkg} | grep -qx installed\n`;
    writeFiles(join(root, 'recipes'), {
      'a.yaml': `name: a\nsummary: s\n${check('pkg-a')}steps:\n  - apt: [pkg-a]\n`,
      'b.yaml': `name: b\nsummary: s\n${check('pkg-b1')}steps:\n  - apt: [pkg-b1, pkg-b2]\n`,
      'c.yaml': `name: c\nsummary: s\n${check('pkg-c')}steps:\n  - apt: [pkg-c]\n  - run: touch ${root}/c-done\n    creates: ${root}/c-done\n`,
      'd.yaml': `name: d\nsummary: s\n${check('pkg-d')}steps:\n  - apt: [pkg-d]\n`,
      'box.yaml': 'name: box\nsummary: s\nrequires: [a, b, c, d]\n',
    });
    const env = { ...fakeApt(root), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    const res = await rig(['apply', 'box', '--recipes', join(root, 'recipes')], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const installs = readFileSync(join(root, 'apt.log'), 'utf8').split('\n').filter((l) => l.startsWith('install'));
    expect(installs).toEqual([
      'install -y --no-install-recommends pkg-a pkg-b1 pkg-b2',
      'install -y --no-install-recommends pkg-c',
      'install -y --no-install-recommends pkg-d',
    ]);
    expect(res.stdout).toContain('apt install pkg-a pkg-b1 pkg-b2 (for a, b)');
    expect(res.stdout).toMatch(/✓ b: installed/);
    expect((await rig(['apply', 'box', '--recipes', join(root, 'recipes'), '--json'], { env })).stdout).not.toContain('"step-start"');
  });

  it('run exactly the scripts plan --json shows, and export sh holds the same ones', async () => {
    const root = tempDir();
    writeFiles(join(root, 'recipes'), {
      'a.yaml': 'name: a\nsummary: s\nsteps:\n  - apt: [pkg-a]\n',
      'b.yaml': 'name: b\nsummary: s\nsteps:\n  - apt: [pkg-b]\n',
      'c.yaml': `name: c\nsummary: s\nrequires: [a, b]\ncheck:\n  run: cat ${root}/c-done\n  wants: ">=1.2"\nsteps:\n  - run: echo 1.4 > ${root}/c-done\n    creates: ${root}/c-done\n`,
    });
    const env = { ...fakeApt(root), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    const args = ['c', '--recipes', join(root, 'recipes')];
    const plan = JSON.parse((await rig(['plan', ...args, '--json'], { env })).stdout) as { program: { steps: { script: string }[] }[] };
    const planned = plan.program.flatMap((u) => u.steps.map((s) => s.script));
    expect(planned).toHaveLength(2);
    const res = await rig(['apply', ...args], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const runs = join(root, 'state', 'runs');
    const [run] = readdirSync(runs);
    const logs = readdirSync(join(runs, run!)).sort().map((f) => readFileSync(join(runs, run!, f), 'utf8'));
    const ran = logs.map((log) => /# command:\n([\s\S]*?)\n# output:/.exec(log)![1]);
    expect(ran).toEqual(planned);
    const sh = (await rig(['export', 'sh', ...args], { env })).stdout;
    for (const script of planned) expect(sh).toContain(script);
    expect(sh).toContain(`cat ${root}/c-done`);
  });
});
