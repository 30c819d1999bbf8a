import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// What an interrupted pip leaves (issue 11): files of a distribution written, its own RECORD (which pip writes last,
// listing the INSTALLER it wrote) not; there may be the wheel's RECORD instead, which Debian's wheels carry first.
// Real pip in a real venv on this host, installing Debian's wheels (python3-pip-whl and friends) with no index.
const WHEELS = '/usr/share/python-wheels';
const missing = !existsSync(WHEELS) ? `${WHEELS} missing (apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl)` : undefined;
if (missing && process.env.CI) throw new Error(`the pip repair tests are required in CI: ${missing}`);

// The site-packages folder of a venv.
function sitePackages(venv: string): string {
  const lib = join(venv, 'lib');
  return join(lib, readdirSync(lib).find((d) => d.startsWith('python3'))!, 'site-packages');
}

// The RECORD files of a distribution's dist-info folders in a venv.
function records(venv: string, dist: string): string[] {
  const site = sitePackages(venv);
  return readdirSync(site).filter((d) => d.startsWith(`${dist}-`) && d.endsWith('.dist-info')).map((d) => join(site, d, 'RECORD')).filter((f) => existsSync(f));
}

// Leave `dist` as an install killed half-way leaves it: one of its modules not yet there, and no RECORD (`wheel`: the
// wheel's own RECORD, which lists no INSTALLER) where pip's would be.
function halfInstall(venv: string, dist: string, module: string, record: 'none' | 'wheel'): void {
  for (const file of records(venv, dist)) {
    if (record === 'none') rmSync(file);
    else writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((l) => !/\/(INSTALLER|RECORD),/.test(l) && !l.includes('.pyc,')).join('\n'));
  }
  rmSync(join(sitePackages(venv), module));
}

// The steps an apply ran, from its --json events.
async function applyRan(args: string[], env: Record<string, string>): Promise<number> {
  const res = await rig(['apply', ...args, '--json'], { env });
  expect(res.code, res.stdout + res.stderr).toBe(0);
  const done = res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'run-done');
  return done.ran;
}

// A real venv, and recipes that pip-install Debian's wheels into it.
function lab(): { venv: string; recipes: string; env: Record<string, string> } {
  const root = tempDir();
  const venv = join(root, 'venv');
  execFileSync('python3', ['-m', 'venv', venv]);
  const recipes = join(root, 'recipes');
  const step = (reqs: string) => `steps:\n  - pip: [${reqs}]\n    venv: ${venv}\n    findLinks: [${WHEELS}]\n    args: [--no-index]\n`;
  writeFiles(recipes, {
    'wheel-only.yaml': `name: wheel-only\nsummary: wheel from Debian's wheel\ncheck:\n  pip: wheel\n  venv: ${venv}\n${step('"wheel==0.38.4"')}`,
    'tools.yaml': `name: tools\nsummary: setuptools from Debian's wheel\ncheck:\n  pip: setuptools\n  venv: ${venv}\n  wants: "==66.1.1"\n${step('"setuptools==66.1.1"')}`,
  });
  return { venv, recipes, env: { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'target'), RIG_ENV_DIR: join(root, 'env') } };
}

describe.skipIf(missing)('a pip install an interrupted run left half done is installed again', () => {
  it('a distribution with only the wheel\'s RECORD (no INSTALLER in it) is not satisfied, and the next apply installs it whole; the one after does nothing', async () => {
    const { venv, recipes, env } = lab();
    expect(await applyRan(['wheel-only', '--recipes', recipes], env)).toBe(1);
    halfInstall(venv, 'wheel', join('wheel', '__init__.py'), 'wheel');
    const plan = await rig(['plan', 'wheel-only', '--recipes', recipes], { env });
    expect(plan.stdout).toMatch(/wheel-only\s+not installed \(wheel: not installed\)/);
    expect(await applyRan(['wheel-only', '--recipes', recipes], env)).toBe(1);
    expect(existsSync(join(sitePackages(venv), 'wheel', '__init__.py'))).toBe(true);
    expect(records(venv, 'wheel')).toHaveLength(1);
    expect(spawnSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'check']).status).toBe(0);
    expect(await applyRan(['wheel-only', '--recipes', recipes], env)).toBe(0);
  }, 180_000);

  it('a venv whose own pip was left half installed gets pip again before the install', async () => {
    const { venv, recipes, env } = lab();
    halfInstall(venv, 'pip', join('pip', '__init__.py'), 'none');
    expect(spawnSync(join(venv, 'bin', 'python'), ['-m', 'pip', '--version']).status).not.toBe(0);
    expect(await applyRan(['tools', '--recipes', recipes], env)).toBe(1);
    expect(spawnSync(join(venv, 'bin', 'python'), ['-m', 'pip', '--version']).status).toBe(0);
    expect(records(venv, 'pip')).toHaveLength(1);
    expect(spawnSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'check']).status).toBe(0);
    expect(await applyRan(['tools', '--recipes', recipes], env)).toBe(0);
  }, 180_000);
});
