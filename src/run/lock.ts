import { mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

// Who holds a lock: a process (with its start time, so a reused pid is not mistaken for it) and the step it runs.
interface Holder {
  pid: number;
  start: string;
  stepGroup?: number;
}

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
      try {
        const fd = openSync(path, 'wx');
        writeFileSync(fd, JSON.stringify(lock.me));
        closeSync(fd);
        lock.contended = waited || lock.contended;
        return lock;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = lock.read();
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

  private read(): Holder | undefined {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Holder;
    } catch {
      return undefined;
    }
  }

  // Record the process group of the step now running, so a later run can stop it if this one dies.
  setStepGroup(group: number | undefined): void {
    const holder: Holder = group ? { ...this.me, stepGroup: group } : this.me;
    writeFileSync(`${this.path}.tmp`, JSON.stringify(holder));
    renameSync(`${this.path}.tmp`, this.path);
  }

  release(): void {
    const holder = this.read();
    if (holder?.pid === this.me.pid) rmSync(this.path, { force: true });
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
