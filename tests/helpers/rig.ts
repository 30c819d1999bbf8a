import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.js';

// The rig executable users run (bin/rig, built into dist/ by the global setup).
export const RIG = fileURLToPath(new URL('../../bin/rig', import.meta.url));

// The outcome of one rig process.
export interface RigResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Run bin/rig as a real process; never throws on a non-zero exit. Unless the test says where, rig keeps its state (caches,
// logs, locks, the local target's journal) in a temp dir of this call, never in the user's.
export async function rig(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<RigResult> {
  const state = options.env?.RIG_STATE_DIR && options.env.RIG_TARGET_STATE ? undefined : tempDir('rig-state-');
  const res = await execa(process.execPath, [RIG, ...args], {
    reject: false,
    env: { NO_COLOR: '1', CI: '1', ...(state ? { RIG_STATE_DIR: join(state, 'rig'), RIG_TARGET_STATE: join(state, 'target') } : {}), ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { code: res.exitCode ?? 1, stdout: res.stdout, stderr: res.stderr };
}
