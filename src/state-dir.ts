import { homedir } from 'node:os';
import { join } from 'node:path';

// Where rig keeps logs and its download cache on this machine: $RIG_STATE_DIR, else $XDG_STATE_HOME/rig, else ~/.local/state/rig.
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RIG_STATE_DIR) return env.RIG_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'rig');
}

// A new directory name for one run's logs: runs/2026-11-29T17-53-24-123Z-<pid>, with -<label> for one host of many.
export function runLogDir(base: string, now = new Date(), label?: string): string {
  const suffix = label ? `-${label.replace(/[^A-Za-z0-9._-]/g, '_')}` : '';
  return join(base, 'runs', `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}${suffix}`);
}
