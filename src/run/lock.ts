import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { readBack } from '../read-back.js';

// The lock file: who holds the lock, a process (with its start time, so a reused pid is not mistaken for it), and the
// process group of the step it runs (never 1 or 0: signalling -1 would reach every process, 0 rig's own group).
export const lockFileSchema = z.strictObject({
  pid: z.number().int().positive(),
  start: z.string(),
  stepGroup: z.number().int().min(2).optional(),
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

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

// What happened while taking the lock: whom we waited for, and what was taken over from a dead holder.
export interface LockEvents {
  onWait?(holder: { pid: number }): void;
  onTakeover?(holder: { pid: number; stoppedGroup?: number }): void;
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
      const stopped = holder?.stepGroup && groupAlive(holder.stepGroup) ? await stopGroup(holder.stepGroup) : undefined;
      if (holder) events.onTakeover?.({ pid: holder.pid, ...(stopped ? { stoppedGroup: stopped } : {}) });
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

  // Record the process group of the step now running, so a later run can stop it if this one dies.
  setStepGroup(group: number | undefined): void {
    const holder: Holder = group ? { ...this.me, stepGroup: group } : this.me;
    writeFileSync(`${this.path}.tmp`, JSON.stringify(holder));
    renameSync(`${this.path}.tmp`, this.path);
  }

  release(): void {
    const read = this.read();
    if (read && 'data' in read && read.data.pid === this.me.pid) rmSync(this.path, { force: true });
  }
}

async function stopGroup(group: number): Promise<number> {
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-group, signal);
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  for (let i = 0; i < 30 && groupAlive(group); i++) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(group)) kill('SIGKILL');
  return group;
}
