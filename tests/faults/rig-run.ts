import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { CONTAINERS_CONF } from '../e2e/podman.js';

// One `rig … --json` process the fault suite drives: its events as they come, waiting on them, and how it ended.
// Spawned as a child (the harness signals its pid), or in a tmux session of its own, so that Ctrl-C reaches it as a
// terminal sends it: SIGINT to the terminal's foreground process group.

// The rig the suite drives: FAULTS_RIG (another build's bin/rig), else this checkout's bin/rig.
export const RIG_BIN = process.env.FAULTS_RIG ?? fileURLToPath(new URL('../../bin/rig', import.meta.url));

// Run rig ARGS to its end with the suite's env (RIG_STATE_DIR `state`); never throws on a non-zero exit.
export async function rigOnce(args: string[], state: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const res = await execa(process.execPath, [RIG_BIN, ...args], { reject: false, env: rigEnv(state) });
  return { code: res.exitCode ?? 1, stdout: res.stdout, stderr: res.stderr };
}

// One event of `rig apply --json` (src/run/events.ts), as parsed.
export type RigEvent = { type: string; id?: string; step?: number; [k: string]: unknown };

// How rig ended: its exit code, or the signal that ended it.
export interface RigExit {
  code: number | null;
  signal: string | null;
}

// The exit as a word: "exit 130", "killed by SIGKILL".
export const exitText = (e: RigExit): string => (e.signal ? `killed by ${e.signal}` : `exit ${e.code}`);

// A running rig, its events, its exit.
export class RigRun {
  // Every event so far, in order; what rig wrote on stderr; its pid (a spawned rig only).
  readonly events: RigEvent[] = [];
  stderr = '';
  pid: number | undefined;
  private readonly listeners = new Set<(e: RigEvent | undefined) => void>();
  private ended: RigExit | undefined;
  // Resolves when rig has exited (and its output has been read).
  readonly exit: Promise<RigExit>;
  // When it was started (Date.now()).
  readonly started = Date.now();
  private resolveExit!: (e: RigExit) => void;

  private constructor(readonly label: string) {
    this.exit = new Promise((resolve) => (this.resolveExit = resolve));
  }

  // rig ARGS --json with the suite's env (RIG_STATE_DIR `state`), a child of this process.
  static spawn(args: string[], state: string): RigRun {
    const run = new RigRun(`rig ${args.join(' ')}`);
    const child = spawn(process.execPath, [RIG_BIN, ...args, '--json'], { env: { ...process.env, ...rigEnv(state) }, stdio: ['ignore', 'pipe', 'pipe'] });
    run.pid = child.pid;
    child.stderr.setEncoding('utf8').on('data', (c: string) => (run.stderr += c));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => run.line(line));
    const closed = new Promise<void>((r) => lines.on('close', r));
    child.on('close', (code, signal) => void closed.then(() => run.end({ code, signal })));
    child.on('error', (err) => run.end({ code: 127, signal: null }, err.message));
    return run;
  }

  // rig ARGS --json on a terminal: a tmux session `session` on server `socket` whose window runs rig with the terminal
  // as its stdin, its events on the fifo `dir`/events (the line after them gives its exit status), its stderr in a file.
  static inTmux(args: string[], state: string, socket: string, session: string, dir: string): RigRun {
    const run = new RigRun(`rig ${args.join(' ')}`);
    const fifo = join(dir, 'events');
    execFileSync('mkfifo', [fifo]);
    const env = Object.entries(rigEnv(state)).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
    const rig = [process.execPath, RIG_BIN, ...args, '--json'].map(shq).join(' ');
    // bash survives the Ctrl-C (a trap, which rig does not inherit) to report rig's status after it.
    const script = `trap : INT; exec 3>${shq(fifo)}; env ${env} ${rig} >&3 3>&- 2>${shq(join(dir, 'stderr'))}; s=$?; echo "@exit $s" >&3`;
    const lines = createInterface({ input: createReadStream(fifo) });
    lines.on('line', (line) => {
      const m = /^@exit (\d+)$/.exec(line);
      if (!m) return run.line(line);
      const status = Number(m[1]);
      run.stderr += readFileSync(join(dir, 'stderr'), 'utf8');
      run.end({ code: status, signal: null });
    });
    execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-s', session, '-x', '160', '-y', '48', 'bash', '-c', script]);
    return run;
  }

  // Resolves with the first event (from now on, or already seen when `past`) that `match` accepts; undefined when rig
  // exits first.
  waitFor(match: (e: RigEvent) => boolean, past = false): Promise<RigEvent | undefined> {
    if (past) {
      const seen = this.events.find(match);
      if (seen) return Promise.resolve(seen);
    }
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const listener = (e: RigEvent | undefined) => {
        if (e !== undefined && !match(e)) return;
        this.listeners.delete(listener);
        resolve(e);
      };
      this.listeners.add(listener);
    });
  }

  // The next event, whatever it is; undefined when rig exits first.
  next(): Promise<RigEvent | undefined> {
    return this.waitFor(() => true);
  }

  // Has rig exited?
  get done(): boolean {
    return this.ended !== undefined;
  }

  // How rig ended, once it has.
  get exitStatus(): RigExit | undefined {
    return this.ended;
  }

  // The events of one type.
  of(type: string): RigEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  private line(line: string): void {
    if (!line.startsWith('{')) return;
    let e: RigEvent;
    try {
      e = JSON.parse(line) as RigEvent;
    } catch {
      this.stderr += `(not JSON on stdout: ${line})\n`;
      return;
    }
    this.events.push(e);
    for (const l of [...this.listeners]) l(e);
  }

  private end(exit: RigExit, why?: string): void {
    if (this.ended) return;
    if (why) this.stderr += why;
    this.ended = exit;
    for (const l of [...this.listeners]) l(undefined);
    this.resolveExit(exit);
  }
}

// The environment every rig of the suite runs with.
function rigEnv(state: string): Record<string, string> {
  return { CONTAINERS_CONF, RIG_STATE_DIR: state, NO_COLOR: '1' };
}

function shq(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}
