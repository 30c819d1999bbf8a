import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
