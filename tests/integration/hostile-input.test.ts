import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFacts } from '../helpers/facts.js';
import { rig } from '../helpers/rig.js';
import { tempDir } from '../helpers/temp.js';

const BAD = join(import.meta.dirname, '../fixtures/bad');
const files = readdirSync(BAD).filter((f) => f.endsWith('.yaml')).sort();

function expectation(file: string): { message: string; viaPlan: boolean } {
  const text = readFileSync(join(BAD, file), 'utf8');
  return { message: /^# expect: (.*)$/m.exec(text)![1]!, viaPlan: /^# via: plan$/m.test(text) };
}

function expectOneLineError(res: { code: number; stderr: string }, where: RegExp, message: string): void {
  expect(res.code).toBe(2);
  const lines = res.stderr.trimEnd().split('\n');
  expect(lines, res.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(where);
  expect(lines[0]).toContain(message);
  expect(res.stderr).not.toMatch(/^\s+at /m);
}

describe('hostile and malformed recipe files', () => {
  it('has a corpus of at least 50', () => expect(files.length).toBeGreaterThanOrEqual(50));

  const facts = () => {
    const file = join(tempDir(), 'facts.json');
    writeFileSync(file, JSON.stringify(makeFacts()));
    return file;
  };

  it.each(files)('%s → one line with file:line:col, exit 2', async (file) => {
    const { message, viaPlan } = expectation(file);
    const path = join(BAD, file);
    const res = viaPlan
      ? await rig(['plan', basename(file, '.yaml'), '--recipes', BAD, '--no-probe', '--facts', facts()])
      : await rig(['validate', path]);
    expectOneLineError(res, new RegExp(`^rig: \\S*/bad/${file.replace('.', '\\.')}:\\d+:\\d+: `), message);
  });

  it('refuses a huge recipe file', async () => {
    const dir = tempDir();
    const path = join(dir, 'huge.yaml');
    writeFileSync(path, `name: huge\nsummary: s\n# ${'x'.repeat(300_000)}\n`);
    expectOneLineError(await rig(['validate', path]), /^rig: .*huge\.yaml:1:1: /, 'recipes are small files');
  });
});

describe('hostile and malformed flags', () => {
  const flags: [string[], string][] = [
    [['plan', 'cmake', '--set'], 'flag --set needs a value'],
    [['plan', 'cmake', '--set', 'cmake'], '--set cmake: expected recipe.param=value'],
    [['plan', 'cmake', '--set', 'min=3'], '--set min=3: expected recipe.param=value'],
    [['plan', 'cmake', '--set', 'cmake.min'], '--set cmake.min: expected recipe.param=value'],
    [['plan', 'cmake', '--set', 'Cmake.Min=3'], '--set Cmake.Min=3: expected recipe.param=value'],
    [['plan', 'cmake', '--set', 'cmake.nope=$(id)', '--no-probe'], 'unknown param "nope" of cmake'],
    [['plan', 'cmake', '--set', 'git.x=1', '--no-probe'], 'recipe "git" is not part of this plan'],
    [['plan', '../../etc/passwd', '--no-probe'], 'unknown recipe "../../etc/passwd"'],
    [['plan', 'cmake', '--mirror', 'no-such-mirror'], '--mirror no-such-mirror: no such mirror profile'],
    [['plan', 'cmake', '--mirror', '/etc/hostname'], '/etc/hostname'],
    [['plan', 'cmake', '--recipes', '/nonexistent'], 'no such recipe directory: /nonexistent'],
    [['plan', 'cmake', '--target', 'ftp://x'], '--target ftp://x: '],
    [['plan', 'cmake', '--facts', '/etc/hostname', '--no-probe'], '--facts /etc/hostname'],
    [['apply', 'cmake', '--retries', '-1'], '--retries'],
    [['apply', 'cmake', '--retries', '1e9'], '--retries 1e9: expected a whole number'],
    [['plan', 'cmake', '--frobnicate'], 'unknown flag --frobnicate'],
    [['plan', 'cmake', '-x'], 'unknown flag -x'],
  ];
  it.each(flags)('rig %j → one line naming the flag, exit 2', async (args, message) => {
    const res = await rig(args);
    expect(res.code).toBe(2);
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toMatch(/^\s+at /m);
  });
});
