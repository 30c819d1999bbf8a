import { ShellContextError, ShellScanner } from '../shell/context.js';

// Which lines of a script start a command: not those that go on a quoted value (a file's content) or a line ended by `\`.
function commandStarts(script: string): boolean[] {
  const lines = script.split('\n');
  const scanner = new ShellScanner();
  const starts: boolean[] = [];
  try {
    for (const [i, line] of lines.entries()) {
      const prev = lines[i - 1];
      starts.push(i === 0 || (scanner.at() !== 'single' && scanner.at() !== 'double' && !prev!.endsWith('\\')));
      scanner.read(i < lines.length - 1 ? `${line}\n` : line);
    }
  } catch (err) {
    if (!(err instanceof ShellContextError)) throw err;
    return lines.map(() => true);
  }
  return starts;
}

// A script for reading: each command's first line after `label`, the lines that go on it (quoted content, a line
// continued with `\`, or any line of a condition when `oneBlock`) under it, aligned.
export function shellBlock(script: string, label: string, indent: string, oneBlock = false): string {
  const pad = ' '.repeat(label.length);
  const starts = commandStarts(script);
  return script.split('\n').map((line, i) => `${indent}${i === 0 || (starts[i] && !oneBlock) ? label : pad}${line}`).join('\n');
}
