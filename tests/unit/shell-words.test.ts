import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellWords } from '../../src/shell/split.js';

// The words bash makes of a line (no expansion happens in these lines), as the reference.
function bashWords(line: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellWords: a line split as a POSIX shell splits it', () => {
  it('agrees with bash on quotes, escapes and joined parts', () => {
    for (const line of [
      `-o ProxyJump=bastion -o 'StrictHostKeyChecking no'`,
      `"a b" 'c d' e\\ f`,
      `x"y z"'w'`,
      `"say \\"hi\\"" 'it''s' "back\\\\slash" "keep \\n"`,
      `  spaced    out  `,
      `pytorch.variant=cu130 faiss.gpu=true "a.b=with space"`,
      `''`,
    ]) {
      expect(shellWords(line), line).toEqual(bashWords(line));
    }
  });

  it('ends at a # that starts a word when comments are on, not inside one', () => {
    expect(shellWords('host a=1 # a comment', true)).toEqual(['host', 'a=1']);
    expect(shellWords('host a=#1', true)).toEqual(['host', 'a=#1']);
    expect(shellWords('host # kept', false)).toEqual(['host', '#', 'kept']);
  });

  it('refuses an unterminated quote', () => {
    expect(() => shellWords(`a "b`)).toThrow(/no closing quotation/);
    expect(() => shellWords(`a 'b`)).toThrow(/no closing quotation/);
  });
});
