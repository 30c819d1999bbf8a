import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { asRoot } from '../../src/steps/render.js';
import { makeFacts } from '../helpers/facts.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('secrets', () => {
  it('never appear in output, NDJSON, logs, the journal or an exported script', async () => {
    const root = tempDir();
    const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    writeFiles(join(root, 'recipes'), {
      'db.yaml': `name: db
summary: a database user with a password
params:
  password: { secret: true }
check:
  run: test -f ${root}/created
steps:
  - run: echo "creating user with password {{ params.password }}" && echo "PASSWORD='{{ params.password }}'" > ${root}/created
    creates: ${root}/created
  - run: printf 'generated-token-%s\\n' 4242
    secretOutput: ${root}/token
    creates: ${root}/token
  - run: echo "the token is $(head -n1 ${root}/token)" && echo "again {{ params.password }}"
    creates: ${root}/used
  - run: 'pw="{{ params.password }}"; printf "slowly: %s" "\${pw:0:3}"; sleep 0.3; printf "%s\\n" "\${pw:3}"'
    creates: ${root}/slow
verify:
  - run: grep -qF "PASSWORD='{{ params.password }}'" ${root}/created
`,
    });
    const secret = "hunter2 $(x)";
    const args = ['apply', 'db', '--recipes', join(root, 'recipes'), '--set', `db.password=${secret}`, '--verbose'];
    const res = await rig(args, { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('creating user with password ***');
    expect(res.stdout).toContain('the token is ***');
    expect(res.stdout).toContain('again ***');
    expect(res.stdout).toContain('slowly: ***');
    const json = await rig(['apply', 'db', '--recipes', join(root, 'recipes'), '--json'], { env: { ...env, RIG_SECRET_DB_PASSWORD: secret } });
    expect(json.code).toBe(0);
    const exported = await rig(['export', 'sh', 'db', '--recipes', join(root, 'recipes'), '--set', `db.password=${secret}`], { env });
    expect(exported.stdout).toContain(': "${RIG_SECRET_DB_PASSWORD:?set RIG_SECRET_DB_PASSWORD');
    expect(statSync(join(root, 'token')).mode & 0o777).toBe(0o600);
    for (const text of [res.stdout, res.stderr, json.stdout, exported.stdout, ...filesUnder(join(root, 'state')).map((f) => readFileSync(f, 'utf8')), ...filesUnder(join(root, 'tstate')).map((f) => readFileSync(f, 'utf8'))]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('generated-token-4242');
    }
  });

  it('refuses to apply a recipe whose secret has no value', async () => {
    const root = tempDir();
    writeFiles(join(root, 'recipes'), { 'db.yaml': `name: db\nsummary: s\nparams:\n  password: { secret: true }\ncheck:\n  run: "false"\nsteps:\n  - run: echo {{ params.password }}\n    creates: /nonexistent\n` });
    const res = await rig(['apply', 'db', '--recipes', join(root, 'recipes')], { env: { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') } });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual(['rig: --set: db.password is secret and has no value: --set db.password=… or RIG_SECRET_DB_PASSWORD in the environment']);
  });

  it('reach the root shell of a user with sudo on its stdin, not on sudo\'s command line, under set -euo pipefail', async () => {
    const root = tempDir();
    // A sudo that logs its command line (NUL-separated), then runs the command after -n in a fresh environment, as sudo does.
    writeFiles(root, { 'bin/sudo': `#!/bin/bash\nprintf '%s\\0' "$@" >> ${root}/argv\n[ "$1" = -n ] && shift\n[ -e ${root}/deny ] && exit 1\nexec env -i PATH="$PATH" "$@"\n` });
    chmodSync(join(root, 'bin/sudo'), 0o755);
    const facts = makeFacts({ root: false, sudo: true, user: 'dev', home: '/home/dev', envDir: join(root, 'env.d') });
    const names = ['RIG_SECRET_A_QUOTED', 'RIG_SECRET_A_LINES', 'RIG_SECRET_A_EMPTY', 'RIG_SECRET_A_UNSET'];
    const inner = names.map((n) => `printf '%s=[%s]\\n' ${n} "$${n}"`).join('\n');
    const script = `set -euo pipefail\n${asRoot(inner, facts, ['RIG_FILE'], names)}`;
    const values = { RIG_SECRET_A_QUOTED: `it's $(id) "q" \\`, RIG_SECRET_A_LINES: 'one\n  two\n', RIG_SECRET_A_EMPTY: '' };
    const env = { PATH: `${join(root, 'bin')}:${process.env.PATH}`, RIG_FILE: '/tmp/f', ...values };
    const res = await execa('bash', ['-c', script], { env, extendEnv: false, reject: false, stdin: 'ignore' });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`RIG_SECRET_A_QUOTED=[${values.RIG_SECRET_A_QUOTED}]\nRIG_SECRET_A_LINES=[one\n  two\n]\nRIG_SECRET_A_EMPTY=[]\nRIG_SECRET_A_UNSET=[]`);
    const argv = readFileSync(join(root, 'argv'), 'utf8');
    expect(argv).toContain('RIG_FILE=/tmp/f');
    for (const v of ["it's", 'two']) expect(argv).not.toContain(v);
    writeFiles(root, { deny: '' });
    expect((await execa('bash', ['-c', script], { env, extendEnv: false, reject: false, stdin: 'ignore' })).exitCode).toBe(1);
  });

  it('a root step of a user with sudo stops at its first failing command, as the user\'s own shell does', async () => {
    const root = tempDir();
    writeFiles(root, { 'bin/sudo': `#!/bin/bash\n[ "$1" = -n ] && shift\nexec env -i PATH="$PATH" "$@"\n` });
    chmodSync(join(root, 'bin/sudo'), 0o755);
    const facts = makeFacts({ root: false, sudo: true, user: 'dev', home: '/home/dev', envDir: join(root, 'env.d') });
    const script = `set -euo pipefail\n${asRoot(`false\ntouch ${root}/after-false`, facts, [])}`;
    const res = await execa('bash', ['-c', script], { env: { PATH: `${join(root, 'bin')}:${process.env.PATH}` }, extendEnv: false, reject: false, stdin: 'ignore' });
    expect(res.exitCode).toBe(1);
    expect(existsSync(join(root, 'after-false'))).toBe(false);
  });
});
