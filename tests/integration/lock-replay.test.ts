import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { lockSchema } from '../../src/lock/schema.js';
import { serve } from '../helpers/http.js';
import { recordedLock } from '../helpers/recorded-lock.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

function git(dir: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'rig', GIT_AUTHOR_EMAIL: 'rig@example.invalid', GIT_COMMITTER_NAME: 'rig', GIT_COMMITTER_EMAIL: 'rig@example.invalid' };
  return execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

// A repository with two commits, v1 tagging the first, and a local target whose state lives in `root`.
function lab(root: string): { env: Record<string, string>; repo: string; v1: string } {
  const repo = join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README'), 'v1\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'v1');
  git(repo, 'tag', 'v1');
  const v1 = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(join(repo, 'README'), 'after v1\n');
  git(repo, 'commit', '-q', '-am', 'after');
  return { env: { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'target') }, repo, v1 };
}

describe('rig apply --locked on this machine', () => {
  it('puts back a clone whose recipe check still holds but that is not at the locked commit; doctor --locked says so first', async () => {
    const root = tempDir();
    const { env, repo, v1 } = lab(root);
    const dir = join(root, 'opt', 'clone');
    writeFiles(root, { 'recipes/clone.yaml': `name: clone\nsummary: s\ncheck:\n  run: test -d ${dir}/.git\nsteps:\n  - git: file://${repo}\n    dir: ${dir}\n    ref: v1\n` });
    const args = ['clone', '--recipes', join(root, 'recipes')];
    expect((await rig(['apply', ...args], { env })).code).toBe(0);
    const file = join(root, 'rig.lock');
    expect((await rig(['lock', ...args, '-o', file], { env })).code).toBe(0);
    git(dir, 'checkout', '-q', 'main');
    const moved = git(dir, 'rev-parse', 'HEAD');

    const doctor = await rig(['doctor', '--locked', file, '--recipes', join(root, 'recipes')], { env });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(1);
    expect(doctor.stdout).toContain(`~ clone  not as locked: git ${dir}: at ${moved} here, ${v1} in the lock`);
    const plan = await rig(['plan', '--locked', file, '--recipes', join(root, 'recipes')], { env });
    expect(plan.stdout).toContain(`~ clone  wrong version: not as locked: git ${dir}: at ${moved} here, ${v1} in the lock`);
    expect(plan.stdout).toContain(`git file://${repo}@${v1} → ${dir}`);

    const applied = await rig(['apply', '--locked', file, '--recipes', join(root, 'recipes')], { env });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(v1);
    expect((await rig(['doctor', '--locked', file, '--recipes', join(root, 'recipes')], { env })).code).toBe(0);
  });

  it('fetches a download at the locked digest, not the one its checksum file lists now: a changed file is refused, not installed', async () => {
    const files: Record<string, string> = { '/payload.txt': 'the first payload\n' };
    const sum = (body: string) => createHash('sha256').update(body).digest('hex');
    files['/payload.txt.sha256'] = `${sum(files['/payload.txt']!)}  payload.txt\n`;
    const server = await serve((path, res) => (files[path] === undefined ? res.writeHead(404).end() : res.end(files[path])));
    try {
      const root = tempDir();
      const { env } = lab(root);
      const to = join(root, 'opt', 'payload.txt');
      writeFiles(root, { 'recipes/payload.yaml': `name: payload\nsummary: s\ncheck:\n  run: test -f ${to}\nsteps:\n  - download: ${server.url}/payload.txt\n    sha256: { from: ${server.url}/payload.txt.sha256 }\n    to: ${to}\n` });
      const args = ['payload', '--recipes', join(root, 'recipes')];
      expect((await rig(['apply', ...args], { env })).code).toBe(0);
      const file = join(root, 'rig.lock');
      expect((await rig(['lock', ...args, '-o', file], { env })).code).toBe(0);
      expect(lockSchema.parse(parse(readFileSync(file, 'utf8'))).downloads).toEqual({ [`${server.url}/payload.txt`]: { sha256: sum('the first payload\n') } });

      files['/payload.txt'] = 'a second payload\n';
      files['/payload.txt.sha256'] = `${sum(files['/payload.txt'])}  payload.txt\n`;
      const other = tempDir();
      const fresh = { RIG_STATE_DIR: join(other, 'state'), RIG_TARGET_STATE: join(other, 'target') };
      const planned = await rig(['plan', '--locked', file, '--recipes', join(root, 'recipes'), '--no-probe'], { env: fresh });
      expect(planned.stdout).toContain(`RIG_DIGEST=${sum('the first payload\n')}`);
      expect(planned.stdout).not.toContain('payload.txt.sha256');
      const rmTo = () => existsSync(to) && execFileSync('rm', [to]);
      rmTo();
      const replay = await rig(['apply', '--locked', file, '--recipes', join(root, 'recipes')], { env: fresh });
      expect(replay.code).toBe(1);
      expect(replay.stdout + replay.stderr).toMatch(/sha256 mismatch/);
      expect(existsSync(to)).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('a recipe that locks a moving version (rust\'s toolchain: stable)', () => {
  it('records the version its check found as that param, so a replay installs it after the channel moved on; doctor names a box that has another', async () => {
    const root = tempDir();
    const stable = join(root, 'upstream-stable');
    writeFileSync(stable, '1.2.3\n');
    const recipe = (dir: string) => [
      'name: tool', 'summary: s', 'locks: channel', 'params:', '  channel: { default: stable }',
      'check:', `  run: cat ${dir}/version`, "  version: '^(?<version>\\d+(\\.\\d+)+)$'",
      'steps:', `  - run: v={{ params.channel }}; [ "$v" != stable ] || v=$(cat ${stable}); mkdir -p ${dir} && echo "$v" > ${dir}/version`, '',
    ].join('\n');
    const box = (name: string) => {
      const dir = join(root, name);
      writeFiles(dir, { 'recipes/tool.yaml': recipe(join(dir, 'opt')) });
      return { dir, env: { RIG_STATE_DIR: join(dir, 'state'), RIG_TARGET_STATE: join(dir, 'target') }, recipes: ['--recipes', join(dir, 'recipes')] };
    };
    const first = box('first');
    expect((await rig(['apply', 'tool', ...first.recipes], { env: first.env })).code).toBe(0);
    const file = join(root, 'rig.lock');
    expect((await rig(['lock', 'tool', ...first.recipes, '-o', file], { env: first.env })).code).toBe(0);
    expect(lockSchema.parse(parse(readFileSync(file, 'utf8'))).recipes.tool).toEqual({ params: { channel: '1.2.3' }, found: '1.2.3' });

    writeFileSync(stable, '1.3.0\n');
    const second = box('second');
    const replay = await rig(['apply', '--locked', file, ...second.recipes], { env: second.env });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(readFileSync(join(second.dir, 'opt', 'version'), 'utf8')).toBe('1.2.3\n');
    const third = box('third');
    expect((await rig(['apply', 'tool', ...third.recipes], { env: third.env })).code).toBe(0);
    const doctor = await rig(['doctor', '--locked', file, ...third.recipes], { env: third.env });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(1);
    expect(doctor.stdout).toContain('~ tool  not as locked: found 1.3.0 here, 1.2.3 in the lock');
  });
});

describe('rig plan --locked refuses what the lock cannot replay: a line for each reason, exit 2', () => {
  const write = (lock: unknown) => {
    const file = join(tempDir(), 'rig.lock');
    writeFileSync(file, stringify(lock));
    return file;
  };

  it('a lock made on a box with another driver (580, CUDA 13 builds) replayed on a 535 box: each derived choice that differs, with how the boxes differ', async () => {
    const lock = recordedLock(['pytorch'], 'ubuntu-24.04-gpu-580');
    const here = recordedLock(['pytorch'], 'ubuntu-22.04-gpu-535');
    const res = await rig(['plan', '--locked', write(lock), '--facts', 'tests/fixtures/facts/ubuntu-22.04-gpu-535.json']);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toMatch(/^rig: --locked \S+: the lock cannot be replayed; nothing was changed:$/m);
    const differs = Object.keys(lock.recipes.pytorch!.vars!).filter((k) => lock.recipes.pytorch!.vars![k] !== here.recipes.pytorch!.vars?.[k]);
    expect(differs).toContain('variant');
    for (const key of differs) {
      expect(res.stderr).toContain(`rig:   pytorch: this box gives ${key} ${JSON.stringify(here.recipes.pytorch!.vars![key])}, the lock ${JSON.stringify(lock.recipes.pytorch!.vars![key])}\n`);
    }
    expect(res.stderr).toMatch(/^rig: {3}the lock was made on another box: .*driver 535\.\S+ here, 580\.\S+ in the lock; compute 8\.6 here, 9\.0 in the lock/m);
    expect(res.stderr).toContain('gpu NVIDIA A10 here, NVIDIA H200 ×8 in the lock');
    expect(res.stdout).toBe('');
  });

  it('recipes the lock does not cover, and a param planned otherwise', async () => {
    const lock = recordedLock(['cmake'], 'ubuntu-22.04');
    const file = write(lock);
    const facts = ['--facts', 'tests/fixtures/facts/ubuntu-22.04.json'];
    const other = await rig(['plan', 'go', '--locked', file, ...facts]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('rig:   go: not in the lock (it locks cmake)');
    const set = await rig(['plan', 'cmake', '--set', 'cmake.min=3.99', '--locked', file, ...facts]);
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/^rig: {3}cmake\.min: "3\.99" here, "[^"]*" in the lock$/m);
  });

  it('a file that is not a lock: one line naming file:line:col', async () => {
    const lock = recordedLock(['cmake'], 'ubuntu-22.04');
    const file = write({ ...lock, git: { '/opt/x': { url: 'https://example.invalid/x.git', commit: 'main' } } });
    const res = await rig(['plan', '--locked', file, '--facts', 'tests/fixtures/facts/ubuntu-22.04.json']);
    expect(res.code).toBe(2);
    expect(res.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^rig: ${file}:\\d+:\\d+: git\\./opt/x\\.commit: .*a commit is 40 \\(or 64\\) hex digits`))]);
    const missing = await rig(['plan', '--locked', join(tempDir(), 'none.lock')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^rig: --locked \S+none\.lock: ENOENT; write one with rig lock$/)]);
  });
});
