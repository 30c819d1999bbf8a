import { describe, expect, it } from 'vitest';
import { shellBlock } from '../../src/report/shell-block.js';

describe('a script as plan prints it', () => {
  it('marks each command, not the lines of a quoted value or a continued line', () => {
    const script = "mkdir -p /etc/x\nprintf '%s' '[global]\nindex-url = https://m/simple\n' > /etc/x/pip.conf\napt-get install \\\n  curl\necho \"a\nb\"";
    expect(shellBlock(script, '$ ', '  ')).toBe([
      '  $ mkdir -p /etc/x',
      "  $ printf '%s' '[global]",
      '    index-url = https://m/simple',
      "    ' > /etc/x/pip.conf",
      '  $ apt-get install \\',
      '      curl',
      '  $ echo "a',
      '    b"',
    ].join('\n'));
  });

  it('prints a condition as one block under its label', () => {
    expect(shellBlock('[ -f a ] &&\n[ -f b ]', 'skip if: ', '', true)).toBe('skip if: [ -f a ] &&\n         [ -f b ]');
  });

  it('marks every line of a heredoc it cannot follow', () => {
    expect(shellBlock('cat <<EOF\nx\nEOF', '$ ', '')).toBe('$ cat <<EOF\n$ x\n$ EOF');
  });
});
