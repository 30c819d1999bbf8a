import { TargetError, UnreachableError, UserError, UserErrors } from '../errors.js';
import type { HostOutcome } from '../fleet/outcome.js';
import type { InventoryHost } from '../inventory/types.js';
import { SshTarget } from '../targets/ssh.js';
import { destinationText } from '../targets/ssh-spec.js';
import type { Parsed } from './args.js';
import { openSession, type Session, type SessionHost } from './session.js';

// The one line a host's failure is told in: a user error as rig prints it, a target's as its message.
export function failureLine(err: unknown, targetName: string): string {
  const line = err instanceof UserErrors ? err.errors.map((e) => e.line).join('; ') : err instanceof UserError ? err.message : err instanceof TargetError ? err.message : `internal error (a bug in rig; please report it): ${(err as Error)?.message ?? String(err)}`;
  return line.startsWith(`${targetName}: `) ? line.slice(targetName.length + 2) : line;
}

// The target name an inventory host is reached as.
export function hostTargetName(h: InventoryHost): string {
  return `ssh:${destinationText(h.ssh)}`;
}

// How a session reaches inventory host `h` (over ssh, `onReached` told once it is), with its params and its become.
export function sessionHost(h: InventoryHost, onReached: () => void = () => undefined): SessionHost {
  const open = async () => {
    const target = await SshTarget.open(h.ssh, h.name, h.becomePassword);
    onReached();
    return target;
  };
  return { name: h.name, open, sets: h.sets, noSudo: h.become === false };
}

// Open one host's session (connect, facts, plan, probe); a failure is the host's outcome instead (unreachable when
// the host could not be reached, even by the first script over a kept connection that turned out gone).
export async function openHostSession(args: Parsed, verb: string, probe: boolean, h: InventoryHost, started: number): Promise<Session | HostOutcome> {
  let reached = false;
  try {
    return await openSession(args, verb, probe, sessionHost(h, () => (reached = true)));
  } catch (err) {
    const target = hostTargetName(h);
    return { host: h.name, target, state: reached && !(err instanceof UnreachableError) ? 'failed' : 'unreachable', installed: 0, satisfied: 0, ran: 0, ms: Date.now() - started, reason: failureLine(err, target) };
  }
}

// The command line that runs again on this host alone: the fleet's, with --limit HOST instead of its own limit.
export function hostArgv(argv: readonly string[], host: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--limit' || arg === '--forks') i++;
    else if (!arg.startsWith('--limit=') && !arg.startsWith('--forks=') && arg !== '--fail-fast') out.push(arg);
  }
  return [...out, '--limit', host];
}
