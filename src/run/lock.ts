import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Facts } from '../facts/types.js';
import { readBack } from '../read-back.js';
import { stateDir } from '../state-dir.js';

// The lock file: who holds the lock, a process with its start time (so a reused pid is not mistaken for it). What a dead
// holder left running is found on the target by the mark its journal gave the step (src/run/leftover.ts), never by a number.
export const lockFileSchema = z.strictObject({
  pid: z.number().int().positive(),
  start: z.string(),
});

// Who holds a lock.
type Holder = z.infer<typeof lockFileSchema>;

function startTimeOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(holder: Holder): boolean {
  return startTimeOf(holder.pid) === holder.start;
}

// Where the lock of a target lives: in the target's own state directory for this machine, else in rig's.
export function lockPath(lockKey: string, facts: Facts): string {
  return lockKey === 'local' ? join(facts.stateDir, 'lock') : join(stateDir(), 'locks', `${lockKey.replace(/[^\w.-]+/g, '_')}.lock`);
}

// Is a live rig holding this lock (applying to its target now)?
export function lockHeld(path: string): boolean {
  try {
    const read = readBack(readFileSync(path, 'utf8'), lockFileSchema);
    return 'data' in read && alive(read.data);
  } catch {
    return false;
  }
}

// What happened while taking the lock: whom we waited for, and what was taken over from a dead holder.
export interface LockEvents {
  onWait?(holder: { pid: number }): void;
  onTakeover?(holder: { pid: number }): void;
  // The lock file names no holder rig can judge (not what rig writes): it is taken over as stale.
  onUnreadable?(path: string, why: string): void;
}

// Thrown when the lock is held and the caller does not want to wait.
export class LockHeld extends Error {
  constructor(readonly pid: number) {
    super(`another rig (pid ${pid}) is applying to this target`);
  }
}

// A lock file naming the rig process that applies to a target; a lock left by a dead process is taken over.
export class TargetLock {
  private readonly me: Holder;
  // Did taking the lock wait for another run (or take over from a dead one)? Then what was probed before may be stale.
  contended = false;

  private constructor(private readonly path: string) {
    this.me = { pid: process.pid, start: startTimeOf(process.pid) ?? '' };
  }

  // Take the lock; wait while a live process holds it (or throw LockHeld when `wait` is false).
  static async acquire(path: string, wait: boolean, events: LockEvents = {}, pollMs = 300): Promise<TargetLock> {
    const lock = new TargetLock(path);
    mkdirSync(dirname(path), { recursive: true });
    let waited = false;
    for (;;) {
      if (lock.create()) {
        lock.contended = waited || lock.contended;
        return lock;
      }
      const read = lock.read();
      if (read && 'why' in read) {
        events.onUnreadable?.(path, read.why);
        lock.contended = true;
        rmSync(path, { force: true });
        continue;
      }
      const holder = read?.data;
      if (holder && alive(holder)) {
        if (!wait) throw new LockHeld(holder.pid);
        if (!waited) events.onWait?.(holder);
        waited = true;
        await new Promise((r) => setTimeout(r, pollMs));
        continue;
      }
      if (holder) events.onTakeover?.({ pid: holder.pid });
      lock.contended = true;
      rmSync(path, { force: true });
    }
  }

  // Create the lock file with its content in one step (a complete temp file, hard-linked), so no reader sees it half written.
  private create(): boolean {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.me));
    try {
      linkSync(tmp, this.path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return false;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  // What the lock file says: its holder, why it names none rig can judge, or nothing when there is no file.
  private read(): { data: Holder } | { why: string } | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return undefined;
    }
    return readBack(text, lockFileSchema);
  }

  release(): void {
    const read = this.read();
    if (read && 'data' in read && read.data.pid === this.me.pid) rmSync(this.path, { force: true });
  }
}
