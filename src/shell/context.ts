// Where in a shell command a piece of text stands: what the shell would do with text written there.
//   code      commands and words (top level, inside $( … ), backticks or ${ … })
//   single    inside '…' (or $'…')
//   double    inside "…"
//   comment   after a # that starts a word, to the end of the line
//   arith     inside $(( … )) or (( … )): bash evaluates words there as expressions
export type ShellContext = 'code' | 'single' | 'double' | 'comment' | 'arith';

type Frame = ShellContext | 'sub' | 'tick' | 'param';

// Raised for text a value must not be put after (a heredoc's body).
export class ShellContextError extends Error {}

// Follows the shell's nesting through literal text; `at()` is the context of the next character. It is a reader of
// ordinary recipe commands, not a full shell parser: a value placed by its answer is made safe whatever it says
// (src/recipe/template.ts), so a misreading can give a wrong value but never a command.
export class ShellScanner {
  private readonly stack: Frame[] = ['code'];

  // The context after everything read so far.
  at(): ShellContext {
    const top = this.stack[this.stack.length - 1]!;
    return top === 'sub' || top === 'tick' || top === 'param' ? 'code' : top;
  }

  // Read more literal text.
  read(text: string): void {
    for (let i = 0; i < text.length; i++) i = this.step(text, i);
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private pop(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  // Handles the character at i (and any it consumes with it); returns the index of the last one consumed.
  private step(text: string, i: number): number {
    const c = text[i]!;
    const top = this.top();
    if (top === 'single') {
      if (c === "'") this.pop();
      return i;
    }
    if (top === 'comment') {
      if (c === '\n') this.pop();
      return i;
    }
    if (c === '\\') return i + 1;
    if (c === '$' && text.startsWith('$((', i)) return this.push('arith', i + 2);
    if (c === '$' && text[i + 1] === '(') return this.push('sub', i + 1);
    if (c === '$' && text[i + 1] === '{') return this.push('param', i + 1);
    if (c === '`') return top === 'tick' ? (this.pop(), i) : this.push('tick', i);
    if (top === 'double') {
      if (c === '"') this.pop();
      return i;
    }
    if (top === 'arith') {
      if (text.startsWith('))', i)) return (this.pop(), i + 1);
      return i;
    }
    if (c === "'") return this.push('single', i);
    if (c === '"') return this.push('double', i);
    if (c === ')' && top === 'sub') return (this.pop(), i);
    if (c === '}' && top === 'param') return (this.pop(), i);
    if (c === '(' && text[i + 1] === '(' && startsCommand(text, i)) return this.push('arith', i + 1);
    if (c === '#' && top !== 'param' && (i === 0 || /\s/.test(text[i - 1]!))) return this.push('comment', i);
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      throw new ShellContextError('a template value cannot go into a heredoc; write the content with a file step');
    }
    return i;
  }

  private push(frame: Frame, last: number): number {
    this.stack.push(frame);
    return last;
  }
}

// Is the text at i at the start of a command (after a line break, ;, &, |, ( or only blanks)?
function startsCommand(text: string, i: number): boolean {
  const before = text.slice(0, i).replace(/[ \t]+$/, '');
  return before === '' || /[\n;&|(]$/.test(before);
}
