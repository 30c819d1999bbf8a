import { execa } from 'execa';
import { asStdinScript, type ExecOptions, type ExecResult } from './target.js';

const MAX_KEPT_OUTPUT = 8 * 1024 * 1024;
const KILL_GRACE_MS = 2000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

// Run `file args…` reading a bash script on stdin, detached, streaming its output; kill its whole process group on timeout or abort.
export async function spawnScript(file: string, args: readonly string[], script: string, options: ExecOptions): Promise<ExecResult> {
  const child = execa(file, args, {
    input: asStdinScript(script),
    env: options.env ?? {},
    extendEnv: true,
    all: true,
    reject: false,
    buffer: false,
    detached: true,
    stripFinalNewline: false,
  });
  let output = '';
  let timedOut = false;
  let aborted = false;
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    if (output.length < MAX_KEPT_OUTPUT) output += chunk;
    options.onOutput?.(chunk);
  });
  const stop = (why: 'timeout' | 'abort' | 'leftover') => {
    if (why === 'timeout') timedOut = true;
    if (why === 'abort') aborted = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  // Its bash was killed: what it started may still run in its process group (holding the output open, so the result
  // would wait for it), beside the next script; it is stopped as soon as the bash is gone.
  child.once('exit', (code, signal) => {
    if ((signal || (code ?? 0) >= 128) && !timedOut && !aborted) stop('leftover');
  });
  const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
  const onAbort = () => stop('abort');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await child;
    const code = result.exitCode ?? (result.signal ? 128 + signalNumber(result.signal) : 1);
    return { code, output, timedOut, aborted };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function signalNumber(signal: string): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}
