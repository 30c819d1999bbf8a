import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { one, type Parsed } from './args.js';
import { sessionHost } from './fleet-host.js';
import { readFleet } from './fleet-read.js';
import { checkRequest } from './fleet-request.js';
import { lockOn, writeLock } from './lock-write.js';
import { openSession } from './session.js';

// rig lock -i INVENTORY -o DIR: each host's own lock, DIR/HOST.lock (replayed with apply -i --locked DIR); a host not
// satisfied writes nothing and says why. Exit 1 when any host was not locked.
export async function lockFleet(args: Parsed): Promise<number> {
  checkRequest(args, 'lock');
  const dir = resolve(one(args.values.output) ?? 'locks');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UserError(`--output ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, '--output');
  }
  return readFleet(args, async (h) => {
    const session = await openSession(args, 'lock', true, sessionHost(h));
    try {
      const locked = await lockOn(session, args.positionals);
      if ('problems' in locked) return { text: locked.problems.join('\n'), json: { target: session.target.name, locked: false, problems: locked.problems }, flagged: true };
      const file = join(dir, `${h.name}.lock`);
      return { text: writeLock(file, locked.lock, session, args.positionals), json: { target: session.target.name, locked: true, file } };
    } finally {
      await session.target.close();
    }
  });
}
