import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { SshDestination } from './ssh-spec.js';

// How long a connection stays open after the run that opened it, for the next run to that host to go over without a
// new login (RIG_SSH_PERSIST seconds, 60 as Ansible's; 0: each run closes its own).
export function persistSeconds(): number {
  const text = process.env.RIG_SSH_PERSIST ?? '';
  if (text === '') return 60;
  if (!/^\d{1,6}$/.test(text)) throw new UserError(`RIG_SSH_PERSIST=${text}: expected a number of seconds (0: each run closes its connections)`, 'RIG_SSH_PERSIST');
  return Number(text);
}

// The folder of the connections rig keeps open, this user's alone ($XDG_RUNTIME_DIR or the temp folder, rig-ssh-UID,
// made 0700); undefined when it is not a folder of this user's that no one else can enter, or its path is too long.
export function keptSocketDir(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const dir = join(process.env.XDG_RUNTIME_DIR || tmpdir(), `rig-ssh-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  const st = lstatSync(dir);
  const short = dir.length + 1 + 20 + 17 <= 107;
  return short && st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 ? dir : undefined;
}

// The ControlPath of a destination's kept connection in `dir`: shared only by runs with the same ssh command, options,
// key, user, host and port (another key must log in on its own). Short: ssh binds it with 17 more characters, and a
// socket's path has at most 107.
export function keptControlPath(dir: string, sshWords: readonly string[], dest: SshDestination): string {
  const key = createHash('sha256').update(JSON.stringify([sshWords, dest.options ?? [], dest.identityFile ?? '', dest.user ?? '', dest.host, dest.port ?? 0])).digest('hex').slice(0, 20);
  return join(dir, key);
}

// Whether a kept connection's ssh still runs: it accepts on its socket while it does (a connect alone tells, at no
// cost on the host; a socket left by an ssh that is gone refuses).
export function keptAnswers(controlPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: controlPath });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(false));
  });
}
