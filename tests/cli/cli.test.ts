import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const LAB_INI = fileURLToPath(new URL('../fixtures/inventory/lab.ini', import.meta.url));
const BAD_INI = fileURLToPath(new URL('../fixtures/inventory/bad-port.ini', import.meta.url));

describe('rig CLI', () => {
  it('prints its version and help', async () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    expect(await rig(['--version'])).toMatchObject({ code: 0, stdout: version });
    const help = await rig(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['list', 'show', 'facts', 'plan', 'apply', 'export', 'validate', 'schema', 'lock']) expect(help.stdout).toContain(`  ${cmd}`);
    expect(help.stdout).toContain('Exit codes:');
  });

  it('has --help on every command', async () => {
    for (const cmd of ['list', 'show', 'facts', 'plan', 'apply', 'export', 'validate', 'schema']) {
      const res = await rig([cmd, '--help']);
      expect(res.code, cmd).toBe(0);
      expect(res.stdout, cmd).toMatch(new RegExp(`^Usage: rig ${cmd}`));
    }
  });

  it('lists and shows the built-in recipes', async () => {
    const list = await rig(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^cmake\s+CMake/m);
    expect(list.stdout).toMatch(/^dev-base\*/m);
    const show = await rig(['show', 'cmake']);
    expect(show.stdout).toContain('check: cmake --version');
    expect(JSON.parse((await rig(['list', '--json'])).stdout).map((r: { name: string }) => r.name)).toContain('git');
  });

  it('validates the built-in recipes', async () => {
    const res = await rig(['validate']);
    expect(res.stderr).toBe('');
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toMatch(/^\d+ recipes valid/);
  });

  it('writes the JSON Schema that recipes point at', async () => {
    const res = await rig(['schema']);
    expect(JSON.parse(res.stdout)).toEqual(JSON.parse(readFileSync('schema/recipe.schema.json', 'utf8')));
    expect(readFileSync('recipes/cmake.yaml', 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/recipe.schema.json');
    const lock = await rig(['schema', '--lock']);
    expect(JSON.parse(lock.stdout)).toEqual(JSON.parse(readFileSync('schema/lock.schema.json', 'utf8')));
  });

  it('prints facts as text and JSON', async () => {
    const json = JSON.parse((await rig(['facts', '--json'])).stdout);
    expect(json.os.id).toMatch(/\w+/);
    expect(json.cpus).toBeGreaterThan(0);
    expect((await rig(['facts'])).stdout).toMatch(/^os\.id: /m);
  });

  const bad: [string[], RegExp][] = [
    [['plann'], /^rig: unknown command "plann" \(did you mean "plan"\?\)/],
    [['plan'], /^rig: plan needs at least one recipe name/],
    [['plan', 'cmak'], /^rig: unknown recipe "cmak" \(did you mean "cmake"\?\)/],
    [['plan', 'cmake', '--sett', 'x'], /^rig: --sett: unknown flag --sett \(did you mean "--set"\?\)/],
    [['plan', 'cmake', '--set', 'cmake.mn=3', '--no-probe'], /^rig: --set cmake\.mn=3: unknown param "mn" of cmake/],
    [['plan', 'cmake', '--set', 'nonsense', '--no-probe'], /^rig: --set nonsense: expected recipe\.param=value/],
    [['plan', 'cmake', '--mirror', 'tunaa', '--no-probe'], /^rig: --mirror tunaa: no such mirror profile/],
    [['plan', 'cmake', '--target', 'ssh:box', '--no-probe'], /^rig: --target ssh:box: /],
    [['plan', 'cmake', '--facts', '/nonexistent.json', '--no-probe'], /^rig: --facts \/nonexistent\.json: ENOENT/],
    [['apply', 'cmake', '--retries', 'x'], /^rig: --retries x: expected a whole number/],
    [['show'], /^rig: show takes one recipe name/],
    [['export', 'pdf', 'cmake'], /^rig: export needs a format/],
    [['validate', '/nonexistent'], /^rig: no such file or directory/],
    [['apply', 'cmake', '--limit', 'gpu'], /^rig: --limit needs -i INVENTORY$/],
    [['apply', 'cmake', '-i', LAB_INI, '--forks', '0'], /^rig: --forks 0: expected a whole number from 1$/],
    [['apply', 'cmake', '-i', LAB_INI, '--target', 'local'], /^rig: --target names one target; with -i .*lab\.ini every host of the inventory is one/],
    [['plan', 'cmake', '-i', LAB_INI, '--limit', 'gpus'], /^rig: --limit gpus: gpus matches no host or group of the inventory$/],
    [['plan', 'cmake', '-i', '/nonexistent.ini'], /^rig: -i \/nonexistent\.ini: cannot read the inventory: ENOENT$/],
    [['facts', '-i', BAD_INI], /^rig: .*bad-port\.ini:3:5: ansible_port 99999: expected a port from 1 to 65535$/],
  ];
  for (const [args, message] of bad) {
    it(`rig ${args.join(' ')} → exit 2, one line`, async () => {
      const res = await rig(args);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('--ask-become-pass: refused for a target that is not an ssh host, and when stdin gives no password', async () => {
    const local = await rig(['facts', '-K'], { input: '' });
    expect(local.code).toBe(2);
    expect(local.stderr).toBe('rig: --ask-become-pass is for ssh hosts (--target ssh:HOST or -i INVENTORY); on local, run rig as root or under sudo');
    const none = await rig(['facts', '--target', 'ssh:root@127.0.0.1:1', '--ask-become-pass'], { input: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('rig: --ask-become-pass: stdin ended before a password line');
  });

  it('RIG_SSH_PERSIST that is not a number of seconds: exit 2, one line', async () => {
    const res = await rig(['facts', '--target', 'ssh:root@127.0.0.1:1'], { env: { RIG_SSH_PERSIST: 'soon' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('rig: RIG_SSH_PERSIST=soon: expected a number of seconds (0: each run closes its connections)');
  });

  it('export ansible: a playbook that checks the facts the plan depends on; a recipe with secret params refused', async () => {
    const facts = fileURLToPath(new URL('../fixtures/facts/ubuntu-22.04-gpu-535.json', import.meta.url));
    const dir = `${tempDir()}/playbook`;
    const res = await rig(['export', 'ansible', 'pytorch', '--facts', facts, '-o', dir]);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(`${dir}/site.yml`, 'utf8')).toMatch(/^ {4}- rig_facts\n {4}- python3_venv\S*\n {4}- pytorch$/m);
    // The torch build was chosen by the driver: a host with another is stopped; the CPU count chose nothing.
    const check = readFileSync(`${dir}/roles/rig_facts/files/facts.sh`, 'utf8');
    expect(check).toMatch(/^rig_is gpu\.driver .* 535\.104\.05$/m);
    expect(check).not.toMatch(/^rig_is cpus /m);
    const secret = await rig(['export', 'ansible', 'postgresql-db', '--set', 'postgresql-db.password=x', '--set', 'postgresql-db.user=u', '--set', 'postgresql-db.db=d', '--facts', facts, '-o', `${dir}-secret`]);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toMatch(/^rig: \S+postgresql-db\.yaml: postgresql-db has secret params \(RIG_SECRET_POSTGRESQL_DB_PASSWORD\): Ansible would pass them on the host's command line/);
    expect(existsSync(`${dir}-secret`)).toBe(false);
  });

  it('plans the same from the parsed-recipe cache as from the recipe files (no field lost in the cache)', async () => {
    const env = { RIG_STATE_DIR: `${tempDir()}/state` };
    const facts = new URL('../fixtures/facts/ubuntu-22.04-gpu-535.json', import.meta.url).pathname;
    const args = ['plan', 'seed-box', 'ml-gpu', 'faiss', 'paddle', '--no-probe', '--json', '--facts', facts];
    const cold = await rig(args, { env });
    const cached = await rig(args, { env });
    expect(cold.code, cold.stderr).toBe(0);
    expect(cached.stdout).toBe(cold.stdout);
    const verify = (JSON.parse(cold.stdout) as { recipes: { id: string; verify: unknown[] }[] }).recipes.find((r) => r.id.startsWith('pytorch'))!.verify;
    expect(verify).toHaveLength(2);
    const cpu = await rig(['plan', 'pytorch', '--no-probe', '--json', '--facts', new URL('../fixtures/facts/ubuntu-22.04.json', import.meta.url).pathname], { env });
    expect((JSON.parse(cpu.stdout) as { recipes: { id: string; verify: unknown[] }[] }).recipes.find((r) => r.id === 'pytorch')!.verify).toHaveLength(1);
  });

  it('reports every problem of a bad recipe with file:line:col, exit 2', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'broken.yaml': 'name: broken\nsummary: s\nstpes: []\ncheck:\n  run: x\n  wants: ">=3..2"\n' });
    const res = await rig(['validate', `${dir}/broken.yaml`]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`rig: ${dir}/broken.yaml:3:1: stpes: unknown key "stpes" (did you mean "steps"?)`);
  });

  it('plans a stack on this machine without changing it', async () => {
    const res = await rig(['plan', 'dev-base']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Plan for dev-base on local: /);
    for (const name of ['build-essential', 'git', 'curl', 'cmake', 'python3-venv', 'dev-base']) expect(res.stdout).toMatch(new RegExp(`^. ${name} `, 'm'));
    expect(res.stdout).toMatch(/\d+ to install, \d+ to change, \d+ satisfied, \d+ skipped$/);
  });

  it('exits 4 when a recipe of the plan is blocked, after printing the plan with the reason', async () => {
    const facts = fileURLToPath(new URL('../fixtures/facts/ubuntu-22.04.json', import.meta.url));
    const res = await rig(['plan', 'gcc', '--set', 'gcc.version=3', '--facts', facts, '--no-probe']);
    expect(res.code).toBe(4);
    expect(res.stdout).toContain('blocked: gcc-3 is not in the jammy archive; jammy has 9, 10, 11, 12; choose one with --set gcc.version=N');
    expect(res.stdout).not.toContain('{{');
    expect((await rig(['plan', 'gcc', '--facts', facts, '--no-probe'])).code).toBe(0);
  });

  it('a --facts file that is not facts is one line naming what is wrong, exit 2', async () => {
    const dir = tempDir();
    for (const [text, why] of [['null', /expected object, received null/], ['{"os": {}}', /os\.id: .*expected string/], ['[1', /not JSON/]] as const) {
      writeFileSync(`${dir}/facts.json`, text);
      const res = await rig(['plan', 'git', '--facts', `${dir}/facts.json`, '--no-probe']);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(why);
    }
  });

  it('--facts plans for the recorded box: plan checks nothing here; apply refuses a target whose plan would differ', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      // A check that leaves a mark where it runs, and a step that differs by OS release.
      'recipes/marked.yaml': `name: marked\nsummary: s\ncheck:\n  run: touch ${dir}/checked; false\nsteps:\n  - file: ${dir}/out\n    content: "{{ facts.os.codename }}\\n"\n`,
    });
    const env = { RIG_STATE_DIR: `${dir}/state`, RIG_TARGET_STATE: `${dir}/tstate` };
    const here = await rig(['facts', '--json'], { env });
    writeFileSync(`${dir}/here.json`, here.stdout);
    const other = JSON.parse(here.stdout) as { os: { codename: string } };
    other.os.codename = `not-${other.os.codename}`;
    writeFileSync(`${dir}/other.json`, JSON.stringify(other));
    const planned = await rig(['plan', 'marked', '--recipes', `${dir}/recipes`, '--facts', `${dir}/other.json`], { env });
    expect(planned.code).toBe(0);
    expect(planned.stderr).toContain('nothing was checked here');
    expect(existsSync(`${dir}/checked`)).toBe(false);
    const refused = await rig(['apply', 'marked', '--recipes', `${dir}/recipes`, '--facts', `${dir}/other.json`], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/the target is not the box it records \(os\.codename \S+ here, not-\S+ in the file\)/)]);
    expect(existsSync(`${dir}/out`)).toBe(false);
    const applied = await rig(['apply', 'marked', '--recipes', `${dir}/recipes`, '--facts', `${dir}/here.json`], { env });
    expect(applied.stdout).toContain('marked');
    expect(existsSync(`${dir}/out`)).toBe(true);
  });

  it('lists every command with --no-probe, and as JSON', async () => {
    const res = await rig(['plan', 'dev-base', '--no-probe', '--json']);
    const plan = JSON.parse(res.stdout);
    expect(plan.recipes.map((r: { id: string }) => r.id)).toEqual(['build-essential', 'git', 'curl', 'cmake', 'python3-venv', 'dev-base']);
    expect(plan.recipes[3].steps[0].script).toContain('install -y --no-install-recommends cmake');
    expect(plan.recipes[3].status.state).toBe('unchecked');
  });

  it('exports a standalone bash script that bash accepts', async () => {
    const dir = tempDir();
    const res = await rig(['export', 'sh', 'dev-base', '-o', `${dir}/setup.sh`]);
    expect(res.code).toBe(0);
    const script = readFileSync(`${dir}/setup.sh`, 'utf8');
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(script).toContain('set -euo pipefail');
    // The apt-only recipes at the start share one apt-get, behind the guard rig apply uses; each is then checked.
    expect(script).toContain("if ! { [ \"$(dpkg-query -W -f='${db:Status-Status}\\n' build-essential git curl ca-certificates cmake 2>/dev/null | grep -cx installed)\" = 5 ]; } >/dev/null 2>&1; then (");
    expect(script).toContain("echo 'rig: cmake is still not satisfied after its steps ran' >&2; exit 1");
    const { execFileSync } = await import('node:child_process');
    execFileSync('bash', ['-n', `${dir}/setup.sh`]);
  });
});

describe('rig apply on a terminal', () => {
  it('shows a live task list (listr2) and the summary', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'recipes/hello.yaml': `name: hello\nsummary: s\ncheck:\n  run: cat ${dir}/hello\nsteps:\n  - file: ${dir}/hello\n    content: "1.0\\n"\n`,
    });
    const { execa } = await import('execa');
    const { RIG } = await import('../helpers/rig.js');
    const { CI: _ci, ...inherited } = process.env;
    const env = { ...inherited, RIG_STATE_DIR: `${dir}/state`, RIG_TARGET_STATE: `${dir}/tstate`, TERM: 'xterm' };
    const res = await execa('script', ['-qec', `stty cols 120 rows 40; ${process.execPath} ${RIG} apply hello --recipes ${dir}/recipes`, '/dev/null'], { env, extendEnv: false, reject: false });
    const screen = res.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
    expect(res.exitCode).toBe(0);
    expect(screen).toContain('✔ hello: installed, found 1.0');
    expect(screen).toMatch(/done: 1 installed, 0 satisfied, 0 skipped, 1 step run/);
  });
});
