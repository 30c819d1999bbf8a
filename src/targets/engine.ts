import { execa } from 'execa';
import { UserError } from '../errors.js';

// A container engine rig drives through its command-line client.
export type Engine = 'docker' | 'podman';

// The engines rig knows, in the order auto-detection tries them.
export const ENGINES: readonly Engine[] = ['docker', 'podman'];

// An engine command that exited non-zero (or could not start); `reason` is the line of its output that says why.
export class EngineError extends Error {
  constructor(readonly engine: Engine, readonly args: readonly string[], readonly reason: string) {
    super(`${engine} ${args[0]} failed: ${reason}`);
    this.name = 'EngineError';
  }
}

// The line of an engine's output that says what went wrong: the last one that mentions an error, else the last one
// that is not a pointer to --help.
export function reasonOf(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/^(Run|See) '.*--help'/.test(l));
  return lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1) ?? '';
}

// Run an engine command and return its standard output, trimmed; throws EngineError when it fails.
export async function runEngine(engine: Engine, args: readonly string[]): Promise<string> {
  const res = await execa(engine, args, { reject: false, stdin: 'ignore' });
  if (res.exitCode === 0) return res.stdout.trim();
  const reason = res.code === 'ENOENT' ? `${engine} is not installed` : reasonOf(res.stderr) || reasonOf(res.stdout) || `exit ${res.exitCode}`;
  throw new EngineError(engine, args, reason);
}

// Why this engine cannot be used here, or undefined when it can: docker needs a reachable daemon, podman its client.
async function engineUnusable(engine: Engine): Promise<string | undefined> {
  try {
    await runEngine(engine, engine === 'docker' ? ['info', '--format', '{{.ServerVersion}}'] : ['--version']);
    return undefined;
  } catch (err) {
    if (err instanceof EngineError) return err.reason;
    throw err;
  }
}

// The engine named by --engine (which must work), else the first that works: a reachable Docker daemon, then podman.
// `needed` says what needs one, for the message when none works (e.g. "--target container:box").
export async function pickEngine(flag: string | undefined, needed: string): Promise<Engine> {
  if (flag !== undefined) {
    if (!(ENGINES as readonly string[]).includes(flag)) throw new UserError(`--engine ${flag}: expected ${ENGINES.join(' or ')}`, '--engine');
    const why = await engineUnusable(flag as Engine);
    if (why) throw new UserError(`--engine ${flag}: ${why}`, '--engine');
    return flag as Engine;
  }
  const reasons: string[] = [];
  for (const engine of ENGINES) {
    const why = await engineUnusable(engine);
    if (!why) return engine;
    reasons.push(`${engine}: ${why}`);
  }
  throw new UserError(`no container engine works here (${reasons.join('; ')}); install podman or start Docker`, needed);
}

// The arguments that remove a container at once, whatever it is running.
export function removeArgs(engine: Engine, container: string): string[] {
  return engine === 'podman' ? ['rm', '-f', '-t', '0', container] : ['rm', '-f', container];
}
