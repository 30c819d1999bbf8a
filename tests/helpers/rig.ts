import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

// The rig executable users run (bin/rig, built into dist/ by the global setup).
export const RIG = fileURLToPath(new URL('../../bin/rig', import.meta.url));

// The outcome of one rig process.
export interface RigResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Run bin/rig as a real process; never throws on a non-zero exit.
export async function rig(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<RigResult> {
  const res = await execa(process.execPath, [RIG, ...args], {
    reject: false,
    env: { NO_COLOR: '1', CI: '1', ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { code: res.exitCode ?? 1, stdout: res.stdout, stderr: res.stderr };
}
