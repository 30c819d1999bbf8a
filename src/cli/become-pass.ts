import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UserError } from '../errors.js';
import type { Parsed } from './args.js';

const PROMPT = 'BECOME password: ';

let asked: Promise<string> | undefined;

// The first line of stdin when it is not a terminal (the password piped in).
async function pipedLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
    process.stdin.destroy();
  }
  throw new UserError('--ask-become-pass: stdin ended before a password line', '--ask-become-pass');
}

// A line typed on the terminal after a prompt on stderr, not echoed; Ctrl-C or Ctrl-D gives none.
function typedLine(): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stderr.write(PROMPT);
  return new Promise<string>((resolve, reject) => {
    const none = () => reject(new UserError('--ask-become-pass: no password was typed', '--ask-become-pass'));
    lines.once('line', (line) => {
      lines.off('close', none);
      resolve(line);
    });
    lines.once('SIGINT', () => lines.close());
    lines.once('close', none);
  }).finally(() => {
    lines.close();
    process.stdin.pause();
    process.stderr.write('\n');
  });
}

// The sudo password of --ask-become-pass, asked once however many hosts it is for: typed on the terminal (not
// echoed), or the first line of stdin when that is not a terminal. Undefined without the flag.
export function becomePassword(args: Parsed): Promise<string | undefined> {
  if (args.values['ask-become-pass'] !== true) return Promise.resolve(undefined);
  asked ??= process.stdin.isTTY ? typedLine() : pipedLine();
  return asked;
}
