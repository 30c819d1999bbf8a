import { execFileSync } from 'node:child_process';
import { podman } from '../e2e/podman.js';
import type { RigRun } from './rig-run.js';

// The faults the suite injects into a running `rig apply`, and how each is struck.

// Every kind of fault, in the order the summary lists them.
export const KINDS = ['sigint', 'sigterm', 'kill9-rig', 'kill9-step', 'tty-ctrl-c'] as const;

// One kind of fault.
export type Kind = (typeof KINDS)[number];

// What each kind is, in words.
export const KIND_TEXT: Record<Kind, string> = {
  sigint: 'SIGINT to rig',
  sigterm: 'SIGTERM to rig',
  'kill9-rig': 'kill -9 of rig',
  'kill9-step': "kill -9 of one of the running step's processes in the container",
  'tty-ctrl-c': 'Ctrl-C on the terminal rig runs on (tmux)',
};

// The exit each kind should end the struck rig with ("any" where the run may go on: a killed step is retried).
export const EXPECTED_EXIT: Record<Kind, string> = {
  sigint: 'exit 130',
  sigterm: 'exit 143',
  'kill9-rig': 'killed by SIGKILL',
  'kill9-step': 'any',
  'tty-ctrl-c': 'exit 130',
};

// The processes in `container` that a script of rig's runs (they carry RIG_EXEC=<id> in their environment), one line
// each: "pid exec-id command line".
const MARKED = `for d in /proc/[0-9]*; do
  e=$(tr '\\0' '\\n' 2>/dev/null < "$d/environ" | grep -m1 '^RIG_EXEC=') || continue
  printf '%s %s %s\\n' "\${d#/proc/}" "\${e#RIG_EXEC=}" "$(tr '\\0' ' ' 2>/dev/null < "$d/cmdline" | cut -c1-120)"
done | sort -n`;

// The processes rig's scripts run in `container` now, one line each ("pid exec-id command line").
export async function markedProcesses(container: string): Promise<string[]> {
  const res = await podman(['exec', container, 'bash', '-c', MARKED]);
  return res.code === 0 ? res.out.split('\n').filter((l) => /^\d+ /.test(l)) : [];
}

// Kill -9 one of the processes rig's step runs in `container`, chosen by `r` in [0, 1) among them (by pid), in the
// same exec that lists them; what was killed, or undefined when no such process was there to kill.
async function killStepProcess(container: string, r: number): Promise<string | undefined> {
  const script = `ps=$(${MARKED}); n=$(printf '%s\\n' "$ps" | grep -c .) || exit 3
line=$(printf '%s\\n' "$ps" | sed -n "$(( ${Math.floor(r * 2 ** 31)} % n + 1 ))p")
kill -KILL "\${line%% *}" && printf '%s\\n' "$line"`;
  const res = await podman(['exec', container, 'bash', '-c', script]);
  return res.code === 0 && res.out.trim() ? res.out.trim() : undefined;
}

// Strike `run` with a fault of `kind` (`container` is where its steps run, `tmux` its terminal); what was struck, or
// undefined when there was nothing to strike yet (kill9-step between steps: the caller tries again on rig's next event).
export async function strike(kind: Kind, run: RigRun, container: string, r: number, tmux?: { socket: string; session: string }): Promise<string | undefined> {
  switch (kind) {
    case 'sigint':
    case 'sigterm':
    case 'kill9-rig': {
      const signal = kind === 'sigint' ? 'SIGINT' : kind === 'sigterm' ? 'SIGTERM' : 'SIGKILL';
      process.kill(run.pid!, signal);
      return `${signal} to rig (pid ${run.pid})`;
    }
    case 'tty-ctrl-c':
      execFileSync('tmux', ['-L', tmux!.socket, 'send-keys', '-t', tmux!.session, 'C-c']);
      return `C-c typed on rig's terminal (tmux session ${tmux!.session})`;
    case 'kill9-step': {
      const killed = await killStepProcess(container, r);
      const [pid, exec, ...cmd] = killed?.split(' ') ?? [];
      return killed && `SIGKILL to pid ${pid} (${cmd.join(' ').trim()}; script ${exec}) in ${container}`;
    }
  }
}
