import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import { extractVersion } from '../../src/version/extract.js';
import { compareVersions, parseVersion, type Version } from '../../src/version/version.js';
import { parseWants, WantsError } from '../../src/version/wants.js';

interface FixtureRow {
  tool: string;
  command: string;
  output: string;
  pattern?: string;
  version: string;
  source: string;
}

const rows = parse(readFileSync(new URL('../fixtures/versions.yaml', import.meta.url), 'utf8')) as FixtureRow[];

const v = (text: string): Version => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`test setup: ${text} does not parse`);
  return parsed;
};

describe('fixture table of real tool output', () => {
  it('has at least 50 rows, each with a source and a string version', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    for (const row of rows) {
      expect(typeof row.version, `${row.tool}: ${row.command}`).toBe('string');
      expect(row.source, `${row.tool}: ${row.command}`).toBeTruthy();
    }
  });

  it.each(rows.map((row, i) => [`#${i} ${row.tool}: ${row.command}${row.pattern ? ` /${row.pattern}/` : ''}`, row] as const))(
    '%s',
    (_name, row) => {
      expect(extractVersion(row.output, row.pattern ? new RegExp(row.pattern) : undefined)).toBe(row.version);
      expect(parseVersion(row.version)).toBeDefined();
    },
  );
});

describe('parseVersion', () => {
  it('reads any number of release parts, leading zeros as numbers', () => {
    expect(v('1').release).toEqual([1]);
    expect(v('3.24').release).toEqual([3, 24]);
    expect(v('2.5.2').release).toEqual([2, 5, 2]);
    expect(v('1.2.3.4').release).toEqual([1, 2, 3, 4]);
    expect(v('22.04').release).toEqual([22, 4]);
    expect(v('v20.20.2').release).toEqual([20, 20, 2]);
    expect(v('  3.11.7\n').text).toBe('3.11.7');
  });

  it('normalizes pre-release spellings as PEP 440 does', () => {
    expect(v('3.0.0b2').pre).toEqual({ label: 'b', n: 2 });
    expect(v('3.0.0-beta.2').pre).toEqual({ label: 'b', n: 2 });
    expect(v('1.0rc1').pre).toEqual({ label: 'rc', n: 1 });
    expect(v('2.0.0a1').pre).toEqual({ label: 'a', n: 1 });
    expect(v('1.0alpha3').pre).toEqual({ label: 'a', n: 3 });
    expect(v('1.0c2').pre).toEqual({ label: 'rc', n: 2 });
    expect(v('1.0-pre4').pre).toEqual({ label: 'rc', n: 4 });
    expect(v('1.0.preview5').pre).toEqual({ label: 'rc', n: 5 });
    expect(v('1.0-alpha').pre).toEqual({ label: 'a', n: 0 });
    expect(v('1.0RC1').pre).toEqual({ label: 'rc', n: 1 });
  });

  it('reads post, dev and local parts', () => {
    expect(v('2.5.2.post120')).toMatchObject({ release: [2, 5, 2], post: 120 });
    expect(v('1.0-post2').post).toBe(2);
    expect(v('1.0post3').post).toBe(3);
    expect(v('1.0.dev3')).toMatchObject({ release: [1, 0], dev: 3 });
    expect(v('2.6.0.dev20241112+cu121')).toMatchObject({ dev: 20241112, local: 'cu121' });
    expect(v('2.3.0+cu121')).toMatchObject({ release: [2, 3, 0], local: 'cu121' });
    expect(v('2.8.0+cpu').local).toBe('cpu');
    expect(v('2.6.0+cpu.cxx11.abi').local).toBe('cpu.cxx11.abi');
    expect(v('2.5.2.post120.dev0+volta.llm')).toMatchObject({ post: 120, dev: 0, local: 'volta.llm' });
    expect(v('1.0a1.post2.dev3')).toMatchObject({ pre: { label: 'a', n: 1 }, post: 2, dev: 3 });
  });

  it('rejects what is not one version', () => {
    for (const bad of ['', 'abc', 'v', '1..2', '1.2.', '.1', '1.0-1', '1.1.1f', '+cu121', '1.0+', '1.2.3 4.5', 'rc1', '9.4.0-1ubuntu1~20.04.2', '>=1.2']) {
      expect(parseVersion(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('compareVersions', () => {
  it('orders the PEP 440 example chain dev < pre < final < post', () => {
    const chain = ['1.0.dev1', '1.0a1.dev1', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0+local', '1.0.post1.dev1', '1.0.post1', '1.1.dev1'];
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect(compareVersions(v(chain[i]!), v(chain[j]!)), `${chain[i]} vs ${chain[j]}`).toBe(Math.sign(i - j));
      }
    }
  });

  it.each([
    ['3.24', '3.24.0', 0],
    ['3.24.0', '3.24', 0],
    ['2.3.0', '2.3.0.0', 0],
    ['v1.2', '1.2', 0],
    ['3.0.0-beta.2', '3.0.0b2', 0],
    ['1.0alpha1', '1.0a1', 0],
    ['1.0c1', '1.0rc1', 0],
    ['1.2.3.4', '1.2.3', 1],
    ['1.2.3', '1.2.3.4', -1],
    ['2.3.0+cu121', '2.3.0', 1],
    ['2.3.0', '2.3.0+cu121', -1],
    ['2.3.0+cu121', '2.3.0+cu118', 1],
    ['1.0+5', '1.0+abc', 1],
    ['1.0+abc.1', '1.0+abc', 1],
    ['22.04', '24.04', -1],
    ['12.10', '12.9', 1],
    ['3.0.0b2', '2.6.2', 1],
    ['3.0.0b2', '3.0.0', -1],
    ['2.5.2.post120', '2.5.2', 1],
    ['2.5.2.post120', '2.5.3', -1],
    ['550.54.15', '535.104.05', 1],
    ['1.0.post1', '1.0.post1.dev1', 1],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(v(a), v(b))).toBe(expected);
    expect(compareVersions(v(b), v(a))).toBe(-expected || 0);
  });
});

describe('parseWants', () => {
  const ok = (wants: string, found: string[]) => found.forEach((f) => expect(parseWants(wants).test(f), `${wants} ← ${f}`).toBe(true));
  const no = (wants: string, found: string[]) => found.forEach((f) => expect(parseWants(wants).test(f), `${wants} ← ${f}`).toBe(false));

  it('treats a bare version as PEP 440 ==', () => {
    ok('3.24.0', ['3.24.0', '3.24', 'v3.24.0', '3.24.0+local']);
    no('3.24.0', ['3.24.1', '3.24.0.post1', '3.24.0rc1', '3.25']);
    ok('2.3.0', ['2.3.0+cu121', '2.3.0.0', '2.3.0+cpu']);
    ok('2.3.0+cu121', ['2.3.0+cu121', '2.3.0.0+cu121']);
    no('2.3.0+cu121', ['2.3.0', '2.3.0+cu118', '2.3.0+cpu']);
    ok('2.5.2.post120', ['2.5.2.post120']);
    no('2.5.2.post120', ['2.5.2', '2.5.2.post118']);
    ok('3.0.0b2', ['3.0.0b2', '3.0.0-beta.2']);
    expect(parseWants(' 3.24.0 ').text).toBe('3.24.0');
    // A bare major is exact too (PEP 440 `==3` is 3.0.0); write `3.x` or `^3` for "any 3".
    ok('3', ['3', '3.0.0']);
    no('3', ['3.11.7']);
  });

  it('accepts any version for * and empty', () => {
    for (const any of ['*', '', '  ']) ok(any, ['0.0.1', '2.5.2.post120', '3.0.0b2', '12.4', '2.8.0+cpu']);
  });

  it('evaluates semver-style ranges with PEP 440 ordering', () => {
    ok('>=3.20', ['3.20', '3.20.0', '3.25.1', '4.0', '3.20.0.post1']);
    no('>=3.20', ['3.19.8', '3.20.0rc1', '3.2']);
    ok('>=3.20 <4', ['3.20.0', '3.99.99', '3.25.1+local']);
    no('>=3.20 <4', ['4.0.0', '4.0.0rc1', '4.0.0.dev1', '4.0.0a1', '4.1']);
    ok('^2.5', ['2.5.0', '2.5.2.post120', '2.9.9', '2.5.2+cu121']);
    no('^2.5', ['2.4.2', '3.0.0', '3.0.0b2']);
    ok('~3.10', ['3.10.0', '3.10.13']);
    no('~3.10', ['3.11.7', '3.9.18']);
    ok('3.x', ['3.0', '3.11.7', '3.0.0.post1']);
    no('3.x', ['2.7.18', '4.0', '4.0.0a1']);
    ok('1.2 - 1.4', ['1.2.0', '1.3.9', '1.4.99']);
    no('1.2 - 1.4', ['1.1.9', '1.5.0', '1.5.0.dev0']);
    ok('>=1 <2 || >=3', ['1.0', '1.99', '3.0', '12.4']);
    no('>=1 <2 || >=3', ['0.9', '2.0', '2.5']);
    ok('>=12.1', ['12.4', '12.8', '13.0']);
    ok('>=550', ['550.54.15', '570.124.06']);
    no('>=550', ['535.104.05']);
    ok('<=1.2', ['1.2.9', '1.2.0.post3']);
    no('<=1.2', ['1.3.0a1']);
  });

  it('lets pre-releases and four-part versions satisfy ranges (no semver pre-release rule)', () => {
    ok('>=2.5', ['3.0.0b2', '2.6.0rc1', '2.5.2.post120']);
    ok('>=1.2.3 <1.2.4', ['1.2.3.4', '1.2.3']);
    ok('^2.5', ['2.6.0.dev20241112']);
    ok('>=1.0.0-beta.2', ['1.0.0b2', '1.0.0rc1', '1.0.0']);
    no('>=1.0.0-beta.2', ['1.0.0b1', '1.0.0a5']);
    ok('>=3.0.0-rc.1 <4', ['3.0.0rc1', '3.0.0']);
  });

  it('ignores the found version local label in ranges', () => {
    ok('>=2.5 <3', ['2.8.0+cpu', '2.5.0+cu121']);
    ok('<2.3.0 || >2.3.0', ['2.3.1']);
    no('<2.3.0 || >2.3.0', ['2.3.0+cu121']);
  });

  it('translates PEP 440 comma-separated specifiers', () => {
    ok('>=2.5,<3', ['2.5.0', '2.8.0+cpu', '2.5.2.post120']);
    no('>=2.5,<3', ['3.0.0', '3.0.0b2', '3.0.0.dev1', '2.4.2']);
    ok('>= 2.5 , < 3', ['2.9']);
    ok('~=3.8', ['3.8', '3.8.10', '3.11.7']);
    no('~=3.8', ['3.7.16', '4.0', '4.0.0a1']);
    ok('~=1.4.5', ['1.4.5', '1.4.9']);
    no('~=1.4.5', ['1.5.0', '1.4.4']);
    ok('!=1.2', ['1.2.1', '1.1']);
    no('!=1.2', ['1.2', '1.2.0', '1.2.0+local']);
    ok('==3.1.*', ['3.1', '3.1.7', '3.1.0rc1']);
    no('==3.1.*', ['3.2.0', '3.10.1']);
    ok('>=3.8,!=3.9.*', ['3.8.18', '3.10.13']);
    no('>=3.8,!=3.9.*', ['3.9.18', '3.7.16']);
    ok('==2.3.0', ['2.3.0+cu121']);
    no('==2.3.0+cu121', ['2.3.0+cpu']);
    ok('>=2.5.2.post120', ['2.5.2.post120', '2.6.2']);
    no('>=2.5.2.post120', ['2.5.2']);
    ok('>=2.5.2.post100 <3', ['2.5.2.post120']);
  });

  it('applies PEP 440 exclusive-ordering rules to PEP 440 specifiers', () => {
    no('<3.0,>=2', ['3.0.0rc1']);
    ok('<3.0rc2,>=2', ['3.0rc1']);
    no('>1.0,<2', ['1.0.post1']);
    ok('>1.0.post1,<2', ['1.0.post2']);
  });

  it('returns false when the found version does not parse', () => {
    for (const wants of ['*', '3.24.0', '>=3.20', '>=2.5,<3']) {
      no(wants, ['', 'unknown', 'not installed', '1.1.1f', 'cmake version 3.25.1']);
    }
  });

  it.each(['>=3..2', 'abc', 'latest', '>=foo', '>= 1.2 <', '1.2 ||', '|| 1.2', '>=2.5,', '~=3', '~=3.8.*', '!=', '>=2.5,<x', '=>1.2'])(
    'rejects %j with WantsError',
    (bad) => {
      expect(() => parseWants(bad)).toThrow(WantsError);
      expect(() => parseWants(bad)).toThrow(`invalid version range "${bad.trim()}"`);
    },
  );

  it('WantsError is an Error with a user-facing message', () => {
    try {
      parseWants('>=3..2');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(WantsError);
      expect((error as Error).message).toBe('invalid version range ">=3..2"');
    }
  });
});

describe('extractVersion', () => {
  it('prefers the named group, then group 1, then the whole match', () => {
    expect(extractVersion('release 12.4, V12.4.131', /release (?<version>[\d.]+), V([\d.]+)/)).toBe('12.4');
    expect(extractVersion('release 12.4, V12.4.131', /release [\d.]+, V([\d.]+)/)).toBe('12.4.131');
    expect(extractVersion('release 12.4, V12.4.131', /\d+\.\d+\.\d+/)).toBe('12.4.131');
  });

  it('trims punctuation around what the pattern captured', () => {
    expect(extractVersion('Cuda compilation tools, release 12.4, V12.4.131', /release (\S+)/)).toBe('12.4');
    expect(extractVersion('openjdk version "17.0.15" 2025-04-15', /version (\S+)/)).toBe('17.0.15');
    expect(extractVersion('Version 1.2.3.', /Version (\S+)/)).toBe('1.2.3');
  });

  it('ignores global and sticky flags on the pattern', () => {
    const pattern = /V(\d+\.\d+)/gy;
    expect(extractVersion('V1.2', pattern)).toBe('1.2');
    expect(extractVersion('V1.2', pattern)).toBe('1.2');
  });

  it('returns undefined when nothing matches', () => {
    expect(extractVersion('no version here', /version (\d+\.\d+)/)).toBeUndefined();
    expect(extractVersion('bash: nvcc: command not found')).toBeUndefined();
    expect(extractVersion('Copyright (c) 2005-2025 NVIDIA Corporation')).toBeUndefined();
    expect(extractVersion('')).toBeUndefined();
  });

  it('finds the first token with two or more numeric parts', () => {
    expect(extractVersion('gcc-9 (Ubuntu 9.5.0-1ubuntu1~22.04) 9.5.0')).toBe('9.5.0');
    expect(extractVersion('OpenSSL 1.1.1f  31 Mar 2020')).toBe('1.1.1');
    expect(extractVersion('alpine 3.19alpine')).toBe('3.19');
    expect(extractVersion('paddle 3.0.0b2 ready')).toBe('3.0.0b2');
    expect(extractVersion('paddle 3.0.0-beta.2 ready')).toBe('3.0.0-beta.2');
    expect(extractVersion('torch 2.3.0+cu121, cuda 12.1')).toBe('2.3.0+cu121');
    expect(extractVersion('pkg 1.0.dev3.')).toBe('1.0.dev3');
    expect(extractVersion('lib 1.2.3-devel')).toBe('1.2.3');
    expect(extractVersion('go version go1.21.0 linux/amd64')).toBe('1.21.0');
  });
});
