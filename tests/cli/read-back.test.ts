import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cachedRecipeSchema } from '../../src/recipe/cache.js';
import { journalSchema } from '../../src/run/journal.js';
import { rig, type RigResult } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const FACTS = fileURLToPath(new URL('../fixtures/facts/ubuntu-22.04.json', import.meta.url));

// A box of this test's own: state dirs, and a recipe whose one step touches a file in it.
function box() {
  const root = tempDir();
  writeFiles(root, {
    'recipes/touchy.yaml': `name: touchy\nsummary: one step\ncheck:\n  run: test -f ${root}/done\nsteps:\n  - run: touch ${root}/done\n    creates: ${root}/done\n`,
  });
  const env = { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate'), RIG_ENV_DIR: join(root, 'env') };
  mkdirSync(env.RIG_TARGET_STATE, { recursive: true });
  return { root, env, recipes: join(root, 'recipes'), journal: join(env.RIG_TARGET_STATE, 'journal.json'), lock: join(env.RIG_TARGET_STATE, 'lock') };
}

// stderr is exactly this one line, with no stack trace.
function oneLine(res: RigResult, line: RegExp): void {
  expect(res.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(res.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
}

describe('a journal rig reads back that is not one it writes', () => {
  it('rig status sets it aside in one line and says no run is known', async () => {
    const b = box();
    writeFileSync(b.journal, '{"version":1}');
    const res = await rig(['status'], { env: b.env });
    expect(res.code).toBe(0);
    oneLine(res, new RegExp(`^rig: ${b.journal}: not a journal this rig writes \\(target: missing.*\\); set aside as ${b.journal}\\.bad$`));
    expect(res.stdout).toMatch(/^No rig apply has run on local/);
    expect(readFileSync(`${b.journal}.bad`, 'utf8')).toBe('{"version":1}');
    expect(existsSync(b.journal)).toBe(false);
  });

  it('rig apply sets it aside in one line, runs on, and leaves a journal that parses', async () => {
    const b = box();
    writeFileSync(b.journal, '{"version":1,"target":"local","pending":"x"}');
    const res = await rig(['apply', 'touchy', '--recipes', b.recipes], { env: b.env });
    expect(res.code, res.stderr).toBe(0);
    oneLine(res, new RegExp(`^rig: ${b.journal}: not a journal this rig writes \\(.*\\); set aside as ${b.journal}\\.bad$`));
    expect(existsSync(join(b.root, 'done'))).toBe(true);
    expect(journalSchema.parse(JSON.parse(readFileSync(b.journal, 'utf8'))).outcome).toBe('ok');
    expect((await rig(['status'], { env: b.env })).stdout).toMatch(/^Last run on local: rig apply touchy/);
  });
});

describe('a lock file rig cannot judge', () => {
  for (const [what, text, why] of [
    ['of the wrong shape', '{}', /pid: missing/],
    ['cut short', '{"pid":', /not JSON/],
  ] as const) {
    it(`${what} is taken over as stale with one line, and the apply goes on (--no-wait)`, async () => {
      const b = box();
      writeFileSync(b.lock, text);
      const res = await rig(['apply', 'touchy', '--recipes', b.recipes, '--no-wait'], { env: b.env });
      expect(res.code, res.stderr).toBe(0);
      oneLine(res, new RegExp(`^rig: ${b.lock}: not a lock file this rig writes \\(${why.source}.*\\); taking it over as stale$`));
      expect(existsSync(join(b.root, 'done'))).toBe(true);
      expect(existsSync(b.lock)).toBe(false);
    });
  }
});

describe('the parsed-recipe cache', () => {
  const cacheFiles = (state: string) => readdirSync(join(state, 'cache', 'recipes')).map((f) => join(state, 'cache', 'recipes', f));

  it('holds what its schema says, and is read again rather than rewritten', async () => {
    const b = box();
    const args = ['plan', 'seed-box', 'touchy', '--recipes', b.recipes, '--no-probe', '--json', '--facts', FACTS];
    const cold = await rig(args, { env: b.env });
    expect(cold.code, cold.stderr).toBe(0);
    const files = cacheFiles(b.env.RIG_STATE_DIR);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(cachedRecipeSchema.safeParse(JSON.parse(readFileSync(f, 'utf8'))).success, f).toBe(true);
    const written = new Map(files.map((f) => [f, statSync(f).mtimeMs]));
    expect((await rig(args, { env: b.env })).stdout).toBe(cold.stdout);
    for (const f of files) expect(statSync(f).mtimeMs, f).toBe(written.get(f));
  });

  for (const [what, text] of [
    ['of the wrong shape', '{"name":"touchy","summary":"x","verify":[],"hints":[],"params":{},"requires":[],"steps":[{"kind":"run"}]}'],
    ['cut short', '{"name":"tou'],
    ['with a regex that does not compile', null],
  ] as const) {
    it(`${what} is discarded silently and rebuilt`, async () => {
      const b = box();
      const args = ['plan', 'touchy', '--recipes', b.recipes, '--no-probe', '--json', '--facts', FACTS];
      const cold = await rig(args, { env: b.env });
      expect(cold.code, cold.stderr).toBe(0);
      const files = cacheFiles(b.env.RIG_STATE_DIR);
      for (const f of files) writeFileSync(f, text ?? JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), hints: [{ match: '(', say: 'x' }] }));
      const res = await rig(args, { env: b.env });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toBe('');
      expect(res.stdout).toBe(cold.stdout);
      for (const f of files) expect(cachedRecipeSchema.parse(JSON.parse(readFileSync(f, 'utf8'))).hints).toEqual([]);
    });
  }
});

describe('a --mirror profile file that is not one', () => {
  for (const [what, text, line] of [
    ['with a pip index that is not a URL', 'name: x\nvalues:\n  pip: not a url\n', ':3:8: values.pip: expected an http(s) URL'],
    ['with a rewrite to a URL that is not http(s)', 'name: x\nrewrite:\n  - from: https://a/\n    to: ftp://b/\n', ':4:9: rewrite[0].to: expected an http(s) URL'],
  ]) {
    it(`${what} is one line naming file:line:col, exit 2`, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'm.yaml'), text);
      const res = await rig(['plan', 'git', '--no-probe', '--facts', FACTS, '--mirror', join(dir, 'm.yaml')]);
      expect(res.code).toBe(2);
      oneLine(res, new RegExp(`^rig: ${join(dir, 'm.yaml')}${line.replace(/[[\]().]/g, '\\$&')}$`));
    });
  }

  it('that cannot be read is one line naming it, exit 2', async () => {
    const dir = join(tempDir(), 'm.yaml');
    mkdirSync(dir);
    const res = await rig(['plan', 'git', '--no-probe', '--facts', FACTS, '--mirror', dir]);
    expect(res.code).toBe(2);
    oneLine(res, new RegExp(`^rig: ${dir}: cannot read mirror profile: EISDIR$`));
  });
});

describe('a target that cannot report its facts', () => {
  // BASH_ENV runs in every bash rig starts on this machine: here it makes the facts script fail, or garble its output.
  const failing = (b: ReturnType<typeof box>) => {
    writeFileSync(join(b.root, 'fail.sh'), 'echo "facts: /proc: Input/output error" >&2; exit 3\n');
    return { ...b.env, BASH_ENV: join(b.root, 'fail.sh') };
  };

  it('is a target error carrying its output, exit 1 (rig facts)', async () => {
    const b = box();
    const res = await rig(['facts'], { env: failing(b) });
    expect(res.code).toBe(1);
    expect(res.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(res.stderr.trimEnd().split('\n')).toEqual(['rig: local: cannot report its facts: the facts script failed (exit 3)', '  facts: /proc: Input/output error']);
  });

  it('is a target error when facts and checks go in one batch (rig plan, facts as last seen)', async () => {
    const b = box();
    expect((await rig(['plan', 'touchy', '--recipes', b.recipes], { env: b.env })).code).toBe(0);
    const res = await rig(['plan', 'touchy', '--recipes', b.recipes], { env: failing(b) });
    expect(res.code).toBe(1);
    expect(res.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(res.stderr.trimEnd().split('\n')).toEqual(['rig: local: cannot report its facts: the facts script failed (exit 3)', '  facts: /proc: Input/output error']);
  });

  it('that prints what is not facts is a target error showing what it printed', async () => {
    const b = box();
    writeFileSync(join(b.root, 'garble.sh'), 'echo() { builtin echo "garbled $*"; }\n');
    const res = await rig(['facts', '--json'], { env: { ...b.env, BASH_ENV: join(b.root, 'garble.sh') } });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).not.toMatch(/\n\s+at |internal error/);
    const [first, ...rest] = res.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^rig: local: cannot report its facts: the facts script printed what rig cannot read \(os\.id: missing; /);
    expect(rest).toContain('  garbled arch=' + (await rig(['facts', '--json'], { env: b.env })).stdout.match(/"arch": "([^"]+)"/)![1]);
  });
});
