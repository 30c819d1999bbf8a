import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegularFile } from '../../src/read-file.js';
import { parseRecipe } from '../../src/recipe/load.js';
import { runBatch } from '../../src/run/batch.js';
import { LineBuffer } from '../../src/run/line-buffer.js';
import type { Target } from '../../src/targets/target.js';
import { extractVersion } from '../../src/version/extract.js';
import { errorLines } from '../helpers/errors.js';
import { planOf } from '../helpers/plan.js';
import { tempDir } from '../helpers/temp.js';

// How long `fn` takes, in milliseconds.
function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}


const checkRecipe = (name: string, version: string, extra = '') => `name: ${name}\nsummary: s\ncheck:\n  run: "true"\n  version: '${version}'\n${extra}`;

describe('regexes of recipes run in bounded time', () => {
  const spin = `${'a'.repeat(40)}b`;

  it('a check.version that backtracks without end, (a+)+, is answered at once', () => {
    const recipe = parseRecipe(checkRecipe('spin', '^(a+)+$'), 'spin.yaml');
    let found: string | undefined = 'x';
    expect(timed(() => (found = extractVersion(spin, recipe.check!.pattern)))).toBeLessThan(2000);
    expect(found).toBeUndefined();
  });

  it('a hints.match of (a|aa)+ is answered at once', () => {
    const recipe = parseRecipe('name: hint\nsummary: s\nhints:\n  - match: "^(a|aa)+$"\n    say: no\n', 'hint.yaml');
    let matched = true;
    expect(timed(() => (matched = recipe.hints[0]!.match.test(spin)))).toBeLessThan(2000);
    expect(matched).toBe(false);
  });

  it('one the linear engine cannot run (a lookahead) stops after its budget: one line naming the key and its position', () => {
    const recipe = parseRecipe(checkRecipe('spinla', '^(?=a)(a+)+$'), 'spinla.yaml');
    let errors: string[] = [];
    const ms = timed(() => (errors = errorLines(() => extractVersion(spin, recipe.check!.pattern))));
    expect(ms).toBeLessThan(10_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^spinla\.yaml:5:12: check\.version: \/\^\(\?=a\)\(a\+\)\+\$\/ ran over 2 s on 41 characters of output/);
  });

  it('keeps lookbehinds and backreferences working', () => {
    const recipe = parseRecipe(checkRecipe('lb', '(?<=v)(?<version>\\d+(\\.\\d+)+)(?!\\d)'), 'lb.yaml');
    expect(extractVersion('tool v12.4.1 (x)', recipe.check!.pattern)).toBe('12.4.1');
    const back = parseRecipe('name: back\nsummary: s\nhints:\n  - match: "(\\\\w+) \\\\1"\n    say: twice\n', 'back.yaml');
    expect(back.hints[0]!.match.test('said said')).toBe(true);
  });
});

describe('check.version groups', () => {
  it('refuses several groups without a version group, at file:line:col', () => {
    expect(errorLines(() => parseRecipe(checkRecipe('twog', '(\\d+)\\.(\\d+)'), 'twog.yaml'))).toEqual([
      'twog.yaml:5:12: check.version: 2 groups and none named version: write (?<version>…) around the version, and (?:…) for the other groups',
    ]);
  });

  it('allows one group, no group, or a version group among others', () => {
    for (const pattern of ['v(\\d+\\.\\d+)', '\\d+\\.\\d+', '(?<version>\\d+(\\.\\d+)+) at (?<at>\\S+)']) {
      expect(errorLines(() => parseRecipe(checkRecipe('ok', pattern), 'ok.yaml')), pattern).toEqual([]);
    }
    expect(extractVersion('3.24', parseRecipe(checkRecipe('one', '(\\d+\\.\\d+)'), 'one.yaml').check!.pattern)).toBe('3.24');
  });
});

describe('recipe validation is linear', () => {
  it('checks a 200 KB digest in well under a second', () => {
    const text = `name: dig\nsummary: s\ncheck:\n  run: "true"\nsteps:\n  - download: https://example.com/x\n    to: /tmp/x\n    sha256: "${'{'.repeat(200_000)}"\n`;
    let errors: string[] = [];
    expect(timed(() => (errors = errorLines(() => parseRecipe(text, 'dig.yaml'))))).toBeLessThan(3000);
    expect(errors).toEqual(['dig.yaml:8:13: steps[0].sha256: sha256 is 64 hex digits (or a template)']);
  });

  it('still takes a digest or a one-line template, and refuses a template across lines', () => {
    const recipe = (sha: string) => `name: d\nsummary: s\nsteps:\n  - download: https://example.com/x\n    to: /tmp/x\n    sha256: ${JSON.stringify(sha)}\n`;
    expect(errorLines(() => parseRecipe(recipe('AB'.repeat(32)), 'd.yaml'))).toEqual([]);
    expect(errorLines(() => parseRecipe(recipe('{{ recipe.name }}'), 'd.yaml'))).toEqual([]);
    expect(errorLines(() => parseRecipe(recipe('{{}}'), 'd.yaml'))).toHaveLength(1);
    expect(errorLines(() => parseRecipe(recipe('{{ vars.sha\n}}'), 'd.yaml'))).toHaveLength(1);
  });
});

describe('requires thousands deep', () => {
  const chain = (n: number, last: string) => Object.fromEntries(Array.from({ length: n + 1 }, (_, i) => [`r${i}`, i < n ? `summary: s\nrequires: [r${i + 1}]\n` : last]));

  it('plans a chain 5000 deep, requires first', { timeout: 60_000 }, () => {
    const plan = planOf({ recipes: chain(5000, 'summary: s\n') }, ['r0']);
    expect(plan.recipes).toHaveLength(5001);
    expect(plan.recipes[0]!.id).toBe('r5000');
    expect(plan.recipes.at(-1)!.requires).toEqual(['r1']);
  });

  it('reports a cycle 5000 long in one short line', { timeout: 60_000 }, () => {
    const errors = errorLines(() => planOf({ recipes: chain(5000, 'summary: s\nrequires: [r0]\n') }, ['r0']));
    expect(errors).toEqual(['r5000.yaml:3:12: requires form a cycle: r0 → r1 → r2 → r3 → r4 → r5 → … 4990 more … → r4996 → r4997 → r4998 → r4999 → r5000 → r0']);
  });
});

describe('output handling is linear', () => {
  it('joins 160k lines of one check', async () => {
    const lines = 160_000;
    const target = {
      async exec(script: string) {
        const mark = /'(@@rig-[0-9a-f]+-)0 \1rc %s\\n'/.exec(script)![1]!;
        const out = Array.from({ length: lines }, (_, i) => `${mark}0 line ${i}\n`).join('');
        return { code: 0, output: `${out}${mark}0 tool 1.2.3\n${mark}0 \n${mark}0 ${mark}rc 0\n`, timedOut: false, aborted: false };
      },
    } as unknown as Target;
    const start = performance.now();
    const results = await runBatch(target, '', [{ key: 'chatty', script: 'true' }]);
    expect(performance.now() - start).toBeLessThan(5000);
    const { code, output } = results.get('chatty')!;
    expect(code).toBe(0);
    expect(output.split('\n')).toHaveLength(lines + 1);
    expect(extractVersion(output, /tool (?<version>\S+)/)).toBe('1.2.3');
  });

  it('passes on a 10 MB line that comes in 20k chunks', () => {
    const buffer = new LineBuffer();
    const chunk = 'x'.repeat(500);
    let out = '';
    const ms = timed(() => {
      for (let i = 0; i < 20_000; i++) out += buffer.feed(chunk);
      out += buffer.feed('\nnext');
    });
    expect(ms).toBeLessThan(3000);
    expect(out).toHaveLength(10_000_001);
    expect(buffer.flush()).toBe('next');
  });
});

describe('files a user names are read only when regular and small', () => {
  it('refuses a FIFO without blocking, a device, a directory and a file over the limit', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    expect(() => readRegularFile(join(dir, 'fifo.yaml'))).toThrow('not a regular file');
    expect(() => readRegularFile('/dev/zero')).toThrow('not a regular file');
    expect(() => readRegularFile(dir)).toThrow('EISDIR');
    writeFileSync(join(dir, 'big'), Buffer.alloc(4 * 1024 * 1024 + 1, 'x'));
    expect(() => readRegularFile(join(dir, 'big'))).toThrow('larger than 4 MiB');
  });

  it('reads a file of exactly the limit, and one whose size the kernel does not report', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'max'), Buffer.alloc(4 * 1024 * 1024, 'x'));
    expect(readRegularFile(join(dir, 'max'))).toHaveLength(4 * 1024 * 1024);
    expect(readRegularFile('/proc/self/status')).toMatch(/^Name:/);
  });
});
