import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPlaceholders, renderData, renderShell, Secret, TemplateError } from '../../src/recipe/template.js';
import { tempDir } from '../helpers/temp.js';

const HOSTILE = ['1.0; touch PWNED', '$(touch PWNED)', '`touch PWNED`', "it's", '"; touch PWNED; "', 'a\nb', '${HOME}', '*', '', "'$(touch PWNED)'", '\\', '!!', '~root'];

function bash(script: string, cwd: string): string {
  return execFileSync('bash', ['-c', script], { cwd, encoding: 'utf8' });
}

describe('renderShell quotes every value as data', () => {
  for (const value of HOSTILE) {
    for (const [place, template] of [
      ['unquoted', 'printf %s {{ params.v }}'],
      ['double quotes', 'printf %s "{{ params.v }}"'],
      ['single quotes', "printf %s '{{ params.v }}'"],
      ['inside a word', 'printf %s x{{ params.v }}y'],
      ['in double quotes inside "$( … )"', 'x="$(printf %s "{{ params.v }}")"; printf %s "$x"'],
      ['unquoted inside "$( … )"', 'x="$(printf %s {{ params.v }})"; printf %s "$x"'],
      ['in double quotes inside backticks', 'x=`printf %s "{{ params.v }}"`; printf %s "$x"'],
      ['as a ${…:-…} default in double quotes', 'printf %s "${RIG_TEST_UNSET:-{{ params.v }}}"'],
      ["in $'…'", "printf %s $'{{ params.v }}'"],
      ['after a # inside a word', 'printf %s x#{{ params.v }}y'],
    ] as const) {
      it(`${JSON.stringify(value)} ${place}`, () => {
        const dir = tempDir();
        const out = bash(renderShell(template, { params: { v: value } }), dir);
        expect(existsSync(join(dir, 'PWNED'))).toBe(false);
        const expected = place === 'inside a word' ? `x${value}y` : place.startsWith('after a #') ? `x#${value}y` : value;
        // A command substitution drops the trailing newlines of what it captures.
        expect(out).toBe(place.includes('$( … )') || place.includes('backticks') ? expected.replace(/\n+$/, '') : expected);
      });
    }
  }

  it('keeps a value in a comment on its line', () => {
    const dir = tempDir();
    const out = bash(renderShell('# {{ params.v }}\nprintf ok', { params: { v: 'x\ntouch PWNED' } }), dir);
    expect(out).toBe('ok');
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });

  it('takes only a whole number inside $(( … )), where bash would evaluate a value as an expression', () => {
    expect(bash(renderShell('printf %s $(( {{ params.v }} + 1 ))', { params: { v: '41' } }), tempDir())).toBe('42');
    for (const v of ['a[$(touch PWNED)]', 'x', '1+1']) {
      expect(() => renderShell('printf %s $(( {{ params.v }} + 1 ))', { params: { v } })).toThrow(/whole number/);
      expect(() => renderShell('(( n = {{ params.v }} ))', { params: { v } })).toThrow(/whole number/);
    }
  });

  it('writes a value of plain characters as it is, and any other through a variable assigned first', () => {
    expect(renderShell('ls {{ params.v }}', { params: { v: '/opt/venv-3.10/bin' } })).toBe('ls /opt/venv-3.10/bin');
    const script = renderShell('x="$(ls "{{ params.v }}")"', { params: { v: 'a"; echo INJECTED; "' } });
    expect(script).not.toMatch(/^x=.*INJECTED/m);
    expect(script.split('\n')[0]).toMatch(/^RIG_V_[0-9a-f]{8}='a"; echo INJECTED; "'$/);
  });

  it('refuses a value inside a heredoc', () => {
    expect(() => renderShell('cat <<EOF\n{{ params.v }}\nEOF', { params: { v: 'x' } })).toThrow(/heredoc/);
  });

  it('reads a secret from its environment variable instead of writing it', () => {
    const ctx = { params: { p: new Secret('RIG_SECRET_DB_PASSWORD') } };
    for (const template of ['printf %s {{ params.p }}', 'printf %s "pw={{ params.p }}"', "printf %s 'pw={{ params.p }}'"]) {
      const script = renderShell(template, ctx);
      expect(script).not.toContain('s3cret');
      const out = execFileSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, RIG_SECRET_DB_PASSWORD: "s3cret $(id) 'x'" } });
      expect(out.replace('pw=', '')).toBe("s3cret $(id) 'x'");
    }
  });
});

describe('templates', () => {
  it('finds placeholders with filters and leaves other braces alone', () => {
    expect(findPlaceholders('a {{ params.v | majmin }} {{.Id}} {{facts.os.id}}').map((p) => [p.path.join('.'), p.filters])).toEqual([
      ['params.v', ['majmin']],
      ['facts.os.id', []],
    ]);
  });

  it('applies filters', () => {
    const ctx = { params: { v: '12.4.1', u: 'https://pypi.tuna.tsinghua.edu.cn/simple' } };
    expect(renderData('{{ params.v | majmin }} {{ params.v | major }} {{ params.v | majmin | nodots }} {{ params.v | majmin | dashes }}', ctx)).toBe('12.4 12 124 12-4');
    expect(renderData('{{ params.u | host }}', ctx)).toBe('pypi.tuna.tsinghua.edu.cn');
  });

  it('names what it cannot render', () => {
    expect(() => renderData('{{ params.nope }}', { params: {} })).toThrow(new TemplateError('unknown value params.nope'));
    expect(() => renderData('{{ params.v | majmin }}', { params: { v: 'latest' } })).toThrow(/no 2-part version/);
    expect(() => renderData('{{ params.p }}', { params: { p: new Secret('RIG_SECRET_X') } })).toThrow(/secret/);
  });
});
