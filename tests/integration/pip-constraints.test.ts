import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// A venv whose python records each `pip install` command line (one per line), answers every guard "not installed",
// lists the pinned requirements it is given when asked for pins (as rig's program does for distributions not installed),
// and has a whole pip (its repair finds nothing to do).
function fakeVenv(root: string): { venv: string; calls: () => string[][] } {
  const venv = join(root, 'venv');
  mkdirSync(join(venv, 'bin'), { recursive: true });
  const log = join(root, 'pip.log');
  const pins = `case "$2" in *'seen = []'*) shift 2; for a; do case $a in *[=\\<\\>]*) echo "$a";; esac; done; exit 0;; *shutil*|*'m.version("pip")'*) exit 0;; esac`;
  writeFileSync(join(venv, 'bin', 'python'), `#!/bin/sh\n${pins}\n[ "$1" = -m ] || exit 1\nshift 2\nprintf '%s\\037' "$@" >> '${log}'\necho >> '${log}'\n`);
  chmodSync(join(venv, 'bin', 'python'), 0o755);
  return { venv, calls: () => readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\x1f').filter(Boolean)) };
}

describe('pip steps into one venv keep the pins of the recipes before them', () => {
  it('passes every other recipe\'s pins as a constraints file; a recipe\'s own pins are rewritten, not added to', async () => {
    const root = tempDir();
    const { venv, calls } = fakeVenv(root);
    const recipes = join(root, 'recipes');
    writeFiles(recipes, {
      'paddlelike.yaml': `name: paddlelike\nsummary: pins numpy\nparams:\n  v: { default: "2.5.1" }\nsteps:\n  - pip: ["paddlepaddle=={{ params.v }}", "numpy<2", "psycopg2"]\n    venv: ${venv}\n`,
      'ocrlike.yaml': `name: ocrlike\nsummary: would pull a numpy 2 opencv\nrequires: [paddlelike]\nsteps:\n  - pip: ["paddleocr==2.7.3"]\n    venv: ${venv}\n`,
    });
    const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    expect((await rig(['apply', 'ocrlike', '--recipes', recipes], { env })).code).toBe(0);
    const own = join(venv, '.rig-constraints', 'paddlelike.txt');
    expect(readFileSync(own, 'utf8')).toBe('paddlepaddle==2.5.1\nnumpy<2\n');
    const [first, second] = calls();
    expect(first).not.toContain('-c');
    expect(second!.slice(-3)).toEqual(['-c', own, 'paddleocr==2.7.3']);
    expect((await rig(['apply', 'paddlelike', '--recipes', recipes, '--set', 'paddlelike.v=2.6.2'], { env })).code).toBe(0);
    expect(calls()[2]!.slice(-5)).toEqual(['-c', join(venv, '.rig-constraints', 'ocrlike.txt'), 'paddlepaddle==2.6.2', 'numpy<2', 'psycopg2']);
    expect(readFileSync(own, 'utf8')).toBe('paddlepaddle==2.6.2\nnumpy<2\n');
  });

  it('two instances of one recipe (required with params) keep a constraints file each, and the second keeps the first\'s pins', async () => {
    const root = tempDir();
    const { venv, calls } = fakeVenv(root);
    const recipes = join(root, 'recipes');
    writeFiles(recipes, {
      'pinner.yaml': `name: pinner\nsummary: pins one package\nparams:\n  req: { default: "six==1.16.0" }\nsteps:\n  - pip: ["{{ params.req }}"]\n    venv: ${venv}\n`,
      'both.yaml': 'name: both\nsummary: two instances\nrequires:\n  - { recipe: pinner, with: { req: "six==1.16.0" } }\n  - { recipe: pinner, with: { req: "attrs==23.1.0" } }\n',
    });
    const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    const res = await rig(['apply', 'both', '--recipes', recipes], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const files = readdirSync(join(venv, '.rig-constraints')).sort();
    expect(files).toHaveLength(2);
    const texts = files.map((f) => readFileSync(join(venv, '.rig-constraints', f), 'utf8')).sort();
    expect(texts).toEqual(['attrs==23.1.0\n', 'six==1.16.0\n']);
    const second = calls()[1]!;
    expect(second.slice(-3)).toEqual(['-c', expect.stringMatching(/\/pinner-[0-9a-f]{12}\.txt$/), 'attrs==23.1.0']);
  });
});
