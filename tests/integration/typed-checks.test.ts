import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('dpkg and pip checks', () => {
  it('are answered for the whole plan by one dpkg-query and one Python per interpreter', async () => {
    const root = tempDir();
    const log = join(root, 'calls.log');
    writeFiles(root, {
      // A dpkg-query that knows two packages, and a python that knows two distributions; both log each call.
      'bin/dpkg-query': `#!/bin/bash\necho "dpkg-query $*" >> ${log}\nfor p in "$@"; do case "$p" in\n  alpha) printf 'alpha\\tinstalled\\t1:2.4.1-3ubuntu1\\n' ;;\n  beta) printf 'beta\\tinstalled\\t0.3.21+ds-4\\n' ;;\nesac; done\n`,
      'venv/bin/python': `#!/bin/bash\necho "python $*" >> ${log}\nexec python3 - "\${@:3}" <<'PY'\nimport sys\nknown = {"torch": "2.6.0+cu124", "wheel": "0.38.4"}\nfor n in sys.argv[1:]:\n    print(n + "\\t" + known.get(n, ""))\nPY\n`,
      'recipes/a.yaml': 'name: a\nsummary: s\ncheck:\n  dpkg: alpha\n  wants: ">=2.4"\n',
      'recipes/b.yaml': 'name: b\nsummary: s\ncheck:\n  dpkg: beta\n  wants: "0.3.21"\n',
      'recipes/c.yaml': 'name: c\nsummary: s\ncheck:\n  dpkg: gamma\n',
      'recipes/t.yaml': `name: t\nsummary: s\ncheck:\n  pip: torch\n  venv: ${root}/venv\n  wants: "2.6.0+cu124"\n`,
      'recipes/w.yaml': `name: w\nsummary: s\ncheck:\n  pip: [wheel, nope]\n  venv: ${root}/venv\n`,
      'recipes/box.yaml': 'name: box\nsummary: s\nrequires: [a, b, c, t, w]\n',
    });
    for (const tool of ['bin/dpkg-query', 'venv/bin/python']) chmodSync(join(root, tool), 0o755);
    const env = { PATH: `${join(root, 'bin')}:${process.env.PATH}`, RIG_STATE_DIR: join(root, 'state') };
    const res = await rig(['plan', 'box', '--recipes', join(root, 'recipes')], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/✓ a\s+satisfied: found 2\.4\.1, wants >=2\.4/);
    expect(res.stdout).toMatch(/✓ b\s+satisfied: found 0\.3\.21\+ds, wants 0\.3\.21/);
    expect(res.stdout).toMatch(/\+ c\s+not installed \(gamma: not installed\)/);
    expect(res.stdout).toMatch(/✓ t\s+satisfied: found 2\.6\.0\+cu124, wants 2\.6\.0\+cu124/);
    expect(res.stdout).toMatch(/\+ w\s+not installed \(nope: not installed\)/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.startsWith('dpkg-query'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('python'))).toHaveLength(1);
    expect(calls.find((c) => c.startsWith('dpkg-query'))).toMatch(/ alpha beta gamma$/);
  });

  it('must be exactly one of run, dpkg or pip', async () => {
    const root = tempDir();
    writeFiles(root, { 'x.yaml': 'name: x\nsummary: s\ncheck:\n  dpkg: git\n  run: git --version\n' });
    const res = await rig(['validate', join(root, 'x.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/x\.yaml:4:3: check: needs exactly one of run, dpkg or pip, found run and dpkg/);
  });
});
