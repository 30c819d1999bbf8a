import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { Mirror } from '../../src/recipe/mirror.js';
import { NO_MIRROR } from '../../src/recipe/mirror.js';
import { makeFacts } from '../helpers/facts.js';
import { planOf, type Fixture } from '../helpers/plan.js';
import { tempDir } from '../helpers/temp.js';

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

const graph: Fixture = {
  recipes: {
    app: 'summary: s\nrequires: [lib, tool]\n',
    lib: 'summary: s\nrequires: [base]\nsteps:\n  - apt: [liblib]\n',
    tool: 'summary: s\nrequires: [base]\nsteps:\n  - apt: [tool]\n',
    base: 'summary: s\nsteps:\n  - apt: [base]\n',
  },
};

describe('planner order and graph', () => {
  it('puts requires first, depth-first in the order written, each once', () => {
    expect(planOf(graph, ['app']).recipes.map((r) => r.id)).toEqual(['base', 'lib', 'tool', 'app']);
    expect(planOf(graph, ['tool', 'lib']).recipes.map((r) => r.id)).toEqual(['base', 'tool', 'lib']);
  });

  it('reports a cycle with its path and where it closes', () => {
    const err = errorOf(() => planOf({ recipes: { a: 'summary: s\nrequires: [b]\n', b: 'summary: s\nrequires: [c]\n', c: 'summary: s\nrequires: [a]\n' } }, ['a']));
    expect(err.line).toBe('c.yaml:3:12: requires form a cycle: a → b → c → a');
  });

  it('reports an unknown recipe where it is required', () => {
    const err = errorOf(() => planOf({ recipes: { a: 'summary: s\nrequires: [nope]\n' } }, ['a']));
    expect(err.line).toBe('a.yaml:3:12: unknown recipe "nope"');
  });
});

describe('when', () => {
  const fx: Fixture = {
    recipes: {
      gpu: 'summary: s\nwhen: { gpu: true }\nrequires: [driverdeps]\nsteps:\n  - apt: [x]\n',
      driverdeps: 'summary: s\nsteps:\n  - apt: [y]\n',
      libgl: 'summary: s\nsteps:\n  - apt: [libgl1-mesa-glx]\n    when: { os: ubuntu, version: "<24.04" }\n  - apt: [libgl1]\n    when: { os: ubuntu, version: ">=24.04" }\n  - apt: [libgl1]\n    when: { os: debian }\n',
    },
  };

  it('skips a recipe with its reason and does not pull in its requires', () => {
    const plan = planOf(fx, ['gpu']);
    expect(plan.recipes.map((r) => [r.id, r.skip])).toEqual([['gpu', 'needs an NVIDIA GPU (none found)']]);
    const withGpu = planOf(fx, ['gpu'], { facts: makeFacts({ gpu: { count: 1, names: 'NVIDIA A10', driver: '550.54.15', compute: '8.6' } }) });
    expect(withGpu.recipes.map((r) => r.id)).toEqual(['driverdeps', 'gpu']);
  });

  it('chooses steps by os and version range', () => {
    const titles = (id: string, version: string) =>
      planOf(fx, ['libgl'], { facts: makeFacts({ os: { id, version, codename: '', like: id === 'ubuntu' ? 'debian' : '', name: '' } }) }).recipes[0]!.steps.map((s) => s.title);
    expect(titles('ubuntu', '20.04')).toEqual(['apt install libgl1-mesa-glx']);
    expect(titles('ubuntu', '24.04')).toEqual(['apt install libgl1']);
    expect(titles('debian', '12')).toEqual(['apt install libgl1']);
  });
});

describe('params', () => {
  const fx: Fixture = {
    recipes: {
      stack: 'summary: s\nrequires:\n  - { recipe: venv, with: { path: "/opt/{{ params.name }}" } }\nparams:\n  name: { default: ml }\n',
      venv: 'summary: s\nparams:\n  path: { default: /opt/venv }\n  jobs: { default: 4 }\nsteps:\n  - run: python3 -m venv {{ params.path }} # {{ params.jobs }}\n    creates: "{{ params.path }}/bin/python"\n',
    },
  };

  it('takes defaults, then values from the requiring recipe, then --set', () => {
    expect(planOf(fx, ['venv']).recipes[0]!.params).toEqual({ path: '/opt/venv', jobs: 4 });
    const viaStack = planOf(fx, ['stack']).recipes[0]!;
    expect([viaStack.id, viaStack.params.path]).toEqual(['venv(path=/opt/ml)', '/opt/ml']);
    expect(planOf(fx, ['stack'], { sets: ['venv.jobs=8', 'stack.name=dl'] }).recipes.map((r) => r.params)).toEqual([{ path: '/opt/dl', jobs: 8 }, { name: 'dl' }]);
  });

  it('rejects bad --set flags with the flag named', () => {
    expect(errorOf(() => planOf(fx, ['venv'], { sets: ['venv.pth=/x'] })).line).toBe('--set venv.pth=/x: unknown param "pth" of venv (did you mean "path"?); its params: path, jobs');
    expect(errorOf(() => planOf(fx, ['venv'], { sets: ['venv.jobs=many'] })).line).toBe('--set: venv.jobs: expected an integer, got "many"');
    expect(errorOf(() => planOf(fx, ['venv'], { sets: ['venvv.jobs=2'] })).line).toBe('--set venvv.jobs=2: recipe "venvv" is not part of this plan (did you mean "venv"?)');
  });

  it('quotes hostile values as data in commands', () => {
    const dir = tempDir();
    for (const value of ['1.0; touch PWNED', '$(touch PWNED)', '`touch PWNED`']) {
      const plan = planOf({ recipes: { r: 'summary: s\nparams:\n  v: { default: "1" }\nsteps:\n  - run: echo v={{ params.v }}\n    unless: test "{{ params.v }}" = x\n' } }, ['r'], { sets: [`r.v=${value}`] });
      const step = plan.recipes[0]!.steps[0]!;
      expect(execFileSync('bash', ['-c', step.script], { cwd: dir, encoding: 'utf8' })).toBe(`v=${value}\n`);
      execFileSync('bash', ['-c', `${step.guard} || true`], { cwd: dir });
      expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    }
  });

  it('never writes a secret into a command', () => {
    const plan = planOf({ recipes: { db: 'summary: s\nparams:\n  password: { secret: true }\nsteps:\n  - run: psql -c "ALTER USER u PASSWORD \'{{ params.password }}\'"\n    unless: "false"\n' } }, ['db'], { sets: ['db.password=hunter2'] });
    const step = plan.recipes[0]!.steps[0]!;
    expect(step.script).not.toContain('hunter2');
    expect(step.script).toContain('RIG_SECRET_DB_PASSWORD');
    expect(plan.recipes[0]!.secretEnvs).toEqual(['RIG_SECRET_DB_PASSWORD']);
  });
});

describe('derive and assert', () => {
  const data = {
    pytorch: 'source: test\ntorch:\n  - { version: "2.5.1", torchvision: "0.20.1", cuda: [cu118, cu121, cu124] }\narches:\n  - { torch: ">=2.5", variant: cu124, sm: ["7.0", "8.0"] }\n  - { torch: ">=2.5", variant: cu121, sm: ["6.0", "7.0", "8.0"] }\n',
    cuda: 'source: test\ncompat:\n  - { major: "11", driver: "450.80.02" }\n  - { major: "12", driver: "525.60.13" }\nsm:\n  - { major: "11", min: "3.5" }\n  - { major: "12", min: "5.0" }\ntoolkits:\n  - { version: "12.4", driver: "550.54.14" }\n',
  };
  const fx: Fixture = {
    recipes: {
      torch: 'summary: s\nparams:\n  version: { default: "2.5.1" }\n  variant: { default: auto }\nderive:\n  variant: { use: torch-variant, with: { torch: "{{ params.version }}", variant: "{{ params.variant }}" } }\n  vision: { use: table, with: { file: pytorch, table: torch, where: { version: "{{ params.version }}" }, get: torchvision } }\nsteps:\n  - pip: ["torch=={{ params.version }}", "torchvision=={{ vars.vision }}"]\n    index: https://download.pytorch.org/whl/{{ vars.variant }}\n',
      cuda: 'summary: s\nparams:\n  version: { default: "12.4" }\nderive:\n  driver: { use: table, with: { file: cuda, table: toolkits, where: { version: "{{ params.version }}" }, get: driver } }\nassert:\n  - driver: ">={{ vars.driver }}"\n    say: CUDA {{ params.version }} needs driver {{ vars.driver }} or newer\nsteps:\n  - apt: [cuda-toolkit-12-4]\n',
    },
    data,
  };
  const gpu = (driver: string, compute = '8.6') => makeFacts({ gpu: { count: 1, names: 'NVIDIA A10', driver, compute } });

  it('picks the newest CUDA build the driver runs (minor-version compatibility) and the GPU has kernels in, and says why', () => {
    const cases: [ReturnType<typeof makeFacts> | undefined, string, string][] = [
      [undefined, 'cpu', 'variant cpu: no NVIDIA GPU found'],
      [gpu('550.54.15'), 'cu124', 'variant cu124: the newest CUDA build of torch 2.5.1 → cu124 (driver 550.54.15 ≥ 525.60.13)'],
      [gpu('535.104.05'), 'cu124', 'variant cu124: the newest CUDA build of torch 2.5.1 → cu124 (driver 535.104.05 ≥ 525.60.13)'],
      [gpu('525.60.13'), 'cu124', 'variant cu124: the newest CUDA build of torch 2.5.1 → cu124 (driver 525.60.13 ≥ 525.60.13)'],
      [gpu('470.82.01'), 'cu118', 'variant cu118: driver 470.82.01 is older than the 525.60.13 CUDA 12 builds need → cu118 (driver 470.82.01 ≥ 450.80.02)'],
      [gpu('535.104.05', '6.1'), 'cu121', 'variant cu121: sm_61 is not in cu124 builds → cu121 (driver 535.104.05 ≥ 525.60.13)'],
      [gpu('535.104.05', '3.0'), 'cpu', 'variant cpu: no CUDA build of torch 2.5.1 runs here (sm_30 is not in cu124 builds; sm_30 is not in cu121 builds; sm_30 is not in cu118 builds)'],
      [gpu('440.33.01'), 'cpu', 'variant cpu: no CUDA build of torch 2.5.1 runs here (driver 440.33.01 is older than the 525.60.13 CUDA 12 builds need; driver 440.33.01 is older than the 450.80.02 CUDA 11 builds need)'],
    ];
    for (const [facts, variant, note] of cases) {
      const r = planOf(fx, ['torch'], facts ? { facts } : {}).recipes[0]!;
      expect(r.notes).toEqual([note]);
      expect(r.steps[0]!.script).toContain(`--index-url https://download.pytorch.org/whl/${variant} torch==2.5.1 torchvision==0.20.1`);
    }
  });

  it('blocks a build set by hand that cannot run on this box, naming one that can', () => {
    const r = planOf(fx, ['torch'], { facts: gpu('535.104.05', '6.1'), sets: ['torch.variant=cu124'] }).recipes[0]!;
    expect(r.blocked).toBe('torch 2.5.1 cu124 cannot run here: sm_61 is not in cu124 builds; variant cu121 can (or leave the variant auto)');
    expect(planOf(fx, ['torch'], { sets: ['torch.variant=cu124'] }).recipes[0]!.blocked).toBeUndefined();
  });

  it('notes a data file last refreshed over six months ago, and only then', () => {
    const stale = { ...fx, data: { ...data, pytorch: `refreshed: "2020-01-01"\n${data.pytorch}` } };
    expect(planOf(stale, ['torch']).recipes[0]!.notes).toContain('data/pytorch.yaml was last refreshed on 2020-01-01, over six months ago: newer releases may be missing');
    const fresh = { ...fx, data: { ...data, pytorch: `refreshed: "${new Date().toISOString().slice(0, 10)}"\n${data.pytorch}` } };
    expect(planOf(fresh, ['torch']).recipes[0]!.notes.join('\n')).not.toContain('refreshed');
  });

  it('rejects a variant the torch version has no wheels for', () => {
    expect(errorOf(() => planOf(fx, ['torch'], { sets: ['torch.variant=cu130'] })).line).toBe('torch.yaml:7:12: derive.variant: torch 2.5.1 has no cu130 build; it has cpu, cu124, cu121, cu118');
  });

  it('blocks a recipe whose assert fails', () => {
    expect(planOf(fx, ['cuda'], { facts: gpu('535.104.05') }).recipes[0]!.blocked).toBe('CUDA 12.4 needs driver 550.54.14 or newer (needs NVIDIA driver >=550.54.14 (this machine has 535.104.05))');
    expect(planOf(fx, ['cuda'], { facts: gpu('550.54.15') }).recipes[0]!.blocked).toBeUndefined();
  });
});

describe('mirror', () => {
  const mirror: Mirror = {
    name: 'test',
    values: { ...NO_MIRROR.values, name: 'test', pip: 'http://127.0.0.1:9/simple', pipHost: '127.0.0.1' },
    rewrites: [{ from: 'https://github.com/', to: 'https://mirror.example/github/' }],
  };
  const fx: Fixture = {
    recipes: {
      r: 'summary: s\nsteps:\n  - pip: [wheel]\n    venv: /opt/v\n  - download: https://github.com/o/r/releases/download/v1/x.tar.gz\n    sha256: ' + 'a'.repeat(64) + '\n    extract: /opt/x\n  - git: https://github.com/o/r.git\n    dir: /opt/r\n',
    },
  };

  it('sends pip to the mirror index and rewrites download and git URLs', () => {
    const [pip, download, git] = planOf(fx, ['r'], { mirror }).recipes[0]!.steps;
    expect(pip!.script).toContain('--index-url http://127.0.0.1:9/simple --trusted-host 127.0.0.1 "$@" wheel');
    expect(download!.fetch!.url).toBe('https://mirror.example/github/o/r/releases/download/v1/x.tar.gz');
    expect(git!.script).toContain('git -c url.https://mirror.example/github/.insteadOf=https://github.com/ clone -q https://mirror.example/github/o/r.git "$rig_clone"');
    expect(git!.script).toContain('mv -T "$rig_clone" /opt/r');
  });
});
