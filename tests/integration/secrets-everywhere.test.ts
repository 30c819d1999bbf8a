import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig, type RigResult } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { CONTAINERS_CONF, podman, podmanOk, skipReason, TEST_IMAGE } from '../e2e/podman.js';

// Every file rig wrote under these directories (its logs, caches and the journal), as text.
function filesUnder(...dirs: string[]): string[] {
  return dirs.filter(existsSync).flatMap((dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')),
  );
}

// Everything rig wrote: the stdout and stderr of each run, and every file under its state directories.
function everything(runs: RigResult[], dirs: string[]): string[] {
  return [...runs.flatMap((r) => [r.stdout, r.stderr]), ...filesUnder(...dirs)];
}

// A local run's state: rig's own (logs, caches) and the target's (the journal).
function stateEnv(root: string): Record<string, string> {
  return { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
}

describe('secrets are masked in every status, reason, event, journal entry and log', () => {
  it('a failing check that prints a secret: plan, plan --json, doctor, doctor --json, apply, apply --json, status, journal and logs', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    const secret = 's3cr3t-pw';
    writeFiles(recipes, {
      'leak-fails.yaml': 'name: leak-fails\nsummary: s\nparams:\n  password: { secret: true }\ncheck:\n  run: echo "checking with {{ params.password }}"; false\nsteps:\n  - run: echo step ran\n',
      'leak-unread.yaml': "name: leak-unread\nsummary: s\nparams:\n  password: { secret: true }\ncheck:\n  run: echo \"tool {{ params.password }}\"\n  version: 'tool (?<version>\\d+\\.\\d+)'\n  wants: '1.0'\nsteps:\n  - run: echo step ran\n",
      'leak-found.yaml': "name: leak-found\nsummary: s\nparams:\n  password: { secret: true }\ncheck:\n  run: echo 'tool 1.0'; echo \"server refused {{ params.password }}\"; exit 3\n  version: 'tool (?<version>\\d+\\.\\d+)'\nsteps:\n  - run: echo step ran\n",
    });
    const names = ['leak-fails', 'leak-unread', 'leak-found'];
    const env = { ...stateEnv(root), RIG_SECRET_LEAK_FAILS_PASSWORD: secret, RIG_SECRET_LEAK_UNREAD_PASSWORD: secret, RIG_SECRET_LEAK_FOUND_PASSWORD: secret };
    const run = (args: string[]) => rig([...args, '--recipes', recipes], { env });
    const plan = await run(['plan', ...names]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^\+ leak-fails +not installed \(checking with \*\*\*\)/m);
    expect(plan.stdout).toMatch(/^~ leak-unread +wrong version: installed, but its version cannot be read from "tool \*\*\*"/m);
    expect(plan.stdout).toMatch(/^\+ leak-found +missing: found 1\.0, but its check fails: server refused \*\*\*/m);
    const runs = [
      plan,
      await run(['plan', ...names, '--json']),
      await run(['doctor']),
      await run(['doctor', '--json']),
      await run(['apply', ...names]),
      await run(['apply', 'leak-unread', '--json']),
      await run(['apply', 'leak-found', '--verbose']),
      await rig(['status'], { env }),
      await rig(['status', '--json'], { env }),
    ];
    expect(runs[4]!.code).toBe(1);
    expect(runs[4]!.stdout).toContain('leak-fails: still not satisfied after its steps ran: not installed (checking with ***)');
    expect(runs[5]!.stdout).toContain('"reason":"still not satisfied after its steps ran: installed, but its version cannot be read from \\"tool ***\\"');
    expect(runs[2]!.stdout).toMatch(/^\+ leak-fails +not installed \(checking with \*\*\*\)$/m);
    const journal = readFileSync(join(root, 'tstate', 'journal.json'), 'utf8');
    expect(journal).toContain('its check failed after its steps: found 1.0, but its check fails: server refused ***');
    for (const text of everything(runs, [join(root, 'state'), join(root, 'tstate')])) expect(text).not.toContain(secret);
  });

  it('a one-letter secret is masked where it stands as a word, and that letter inside other words is left alone', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    writeFiles(recipes, {
      'tiny.yaml': "name: tiny\nsummary: s\nparams:\n  pin: { secret: true }\ncheck:\n  run: echo \"pin={{ params.pin }}\"; false\nsteps:\n  - run: echo \"the pin is {{ params.pin }}; QQ and Quiet stay\"\n",
    });
    const env = stateEnv(root);
    const args = ['tiny', '--recipes', recipes, '--set', 'tiny.pin=Q'];
    const runs = [await rig(['plan', ...args], { env }), await rig(['apply', ...args, '--verbose'], { env }), await rig(['apply', ...args, '--json'], { env }), await rig(['status'], { env })];
    expect(runs[0]!.stdout).toMatch(/^\+ tiny +not installed \(pin=\*\*\*\)/m);
    expect(runs[1]!.stdout).toContain('| the pin is ***; QQ and Quiet stay');
    expect(runs[3]!.stdout).toContain('--set tiny.pin=***');
    for (const text of everything(runs, [join(root, 'state'), join(root, 'tstate')])) expect(text).not.toMatch(/(?<![\p{L}\p{N}_*])Q(?![\p{L}\p{N}_*])/u);
  });

  it('two secret params that would travel in one variable (a-b.c and a.b_c) are refused, naming both', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    writeFiles(recipes, {
      'a-b.yaml': 'name: a-b\nsummary: s\nparams:\n  c: { secret: true }\nsteps:\n  - run: "true"\n',
      'a.yaml': 'name: a\nsummary: s\nrequires: [a-b]\nparams:\n  b_c: { secret: true }\nsteps:\n  - run: "true"\n',
    });
    const res = await rig(['plan', 'a', '--recipes', recipes, '--no-probe'], { env: stateEnv(root) });
    expect(res.code).toBe(2);
    expect(res.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^rig: \S*\.yaml:\d+:\d+: secret params a-b\.c and a\.b_c would both be given in RIG_SECRET_A_B_C; rename one of them$/)]);
  });

  it('a multi-line secret is masked whole and line by line, also when a step prints it a line at a time', async () => {
    const root = tempDir();
    const recipes = join(root, 'recipes');
    writeFiles(recipes, {
      'lines.yaml': `name: lines
summary: s
params:
  key: { secret: true }
check:
  run: printf '%s\\n' {{ params.key }}; false
steps:
  - run: |
      printf '%s\\n' {{ params.key }} | head -n 1
      printf '%080d\\n' 0
      sleep 0.3
      printf '%s\\n' {{ params.key }} | tail -n 1
      printf '%080d\\n' 0
`,
    });
    const env = { ...stateEnv(root), RIG_SECRET_LINES_KEY: 'first-secret-line\nsecond-secret-line' };
    const runs = [
      await rig(['plan', 'lines', '--recipes', recipes], { env }),
      await rig(['plan', 'lines', '--recipes', recipes, '--json'], { env }),
      await rig(['apply', 'lines', '--recipes', recipes, '--verbose'], { env }),
      await rig(['apply', 'lines', '--recipes', recipes, '--json'], { env }),
    ];
    expect(runs[0]!.stdout).toMatch(/^\+ lines +not installed \(\*\*\*\)/m);
    expect(runs[2]!.stdout).toMatch(/\| \*\*\*\n.*\| 0{80}\n.*\| \*\*\*\n/);
    for (const text of everything(runs, [join(root, 'state'), join(root, 'tstate')])) {
      expect(text).not.toContain('first-secret-line');
      expect(text).not.toContain('second-secret-line');
    }
  });
});

// A root step, run by a user who is not root but has sudo, that fails when its secret is on any process's command line
// (it reads each /proc/PID/cmdline with bash builtins only) and leaves what it got where only root can read it.
const ROOT_RECIPE = `name: rootsecret
summary: a root step with secrets
params:
  token: { secret: true }
  other: { secret: true }
check:
  run: test -e /var/lib/rig-seen/token
steps:
  - run: |
      token={{ params.token }}
      other={{ params.other }}
      for f in /proc/[0-9]*/cmdline; do
        mapfile -d '' -t words < "$f" 2>/dev/null || continue
        case "\${words[*]}" in *"$token"*|*"$other"*) echo "a secret is on the command line of pid \${f//[^0-9]/}"; exit 1;; esac
      done
      mkdir -p /var/lib/rig-seen && umask 077
      printf '%s' "$token" > /var/lib/rig-seen/token
      printf '%s' "$other" > /var/lib/rig-seen/other
      id -u > /var/lib/rig-seen/uid
    root: true
`;

describe.skipIf(skipReason)('a root step of a non-root user with sudo (podman)', () => {
  const name = `rig-sudo-${randomBytes(4).toString('hex')}`;
  let root: string;

  beforeAll(async () => {
    root = tempDir('rig-sudo-');
    await podmanOk(['run', '-d', '--name', name, '--network', 'host', '--user', '1000:1000', '--passwd=false', '-e', 'HOME=/home/dev', TEST_IMAGE, 'sleep', 'infinity']);
    const setup = 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sudo >/dev/null && useradd -u 1000 -m dev && echo "dev ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/dev && chmod 440 /etc/sudoers.d/dev';
    await podmanOk(['exec', '-u', '0', name, 'bash', '-c', setup]);
  }, 300_000);

  afterAll(async () => {
    await podman(['rm', '-f', '-t', '0', name]);
  });

  it('reads its secrets from stdin: never on a command line, and the step as root still sees them', async () => {
    const recipes = join(root, 'recipes');
    writeFiles(recipes, { 'rootsecret.yaml': ROOT_RECIPE });
    const token = "tok'en $(id) \"x\" 42";
    const other = 'second\nline two';
    const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(root, 'state'), RIG_SECRET_ROOTSECRET_TOKEN: token, RIG_SECRET_ROOTSECRET_OTHER: other };
    const args = ['rootsecret', '--recipes', recipes, '--target', `container:${name}`];
    const plan = await rig(['plan', ...args, '--json'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as { facts: { root: boolean; sudo: boolean }; recipes: { steps: { script: string }[] }[] };
    expect(planned.facts).toMatchObject({ root: false, sudo: true });
    expect(planned.recipes[0]!.steps[0]!.script).not.toMatch(/RIG_SECRET_\w+=/);
    const apply = await rig(['apply', ...args, '--verbose'], { env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(await podmanOk(['exec', '-u', '0', name, 'cat', '/var/lib/rig-seen/uid'])).toBe('0');
    expect(await podmanOk(['exec', '-u', '0', name, 'cat', '/var/lib/rig-seen/token'])).toBe(token);
    expect(await podmanOk(['exec', '-u', '0', name, 'cat', '/var/lib/rig-seen/other'])).toBe(other);
    for (const text of everything([plan, apply], [join(root, 'state')])) {
      expect(text).not.toContain('tok\'en');
      expect(text).not.toContain('line two');
    }
  }, 180_000);
});
