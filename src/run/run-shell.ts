import type { ExecResult, Target } from '../targets/target.js';

// The run was interrupted (a signal aborted it): whatever runs stops, and the journal says so.
export class Interrupted extends Error {}

// How every command of a run reaches the target: after the prelude, with the run's environment and its abort signal.
export class RunShell {
  constructor(
    private readonly target: Target,
    private readonly opts: { prelude: string; env: Record<string, string>; signal?: AbortSignal },
  ) {}

  // Run a script; throws Interrupted when the run was aborted meanwhile.
  async exec(script: string, env: Record<string, string>, timeoutMs: number, onOutput?: (chunk: string) => void): Promise<ExecResult> {
    const { signal } = this.opts;
    const res = await this.target.exec(`${this.opts.prelude}\n${script}`, {
      env: { ...this.opts.env, ...env },
      timeoutMs,
      ...(signal ? { signal } : {}),
      ...(onOutput ? { onOutput } : {}),
    });
    if (res.aborted || signal?.aborted) throw new Interrupted();
    return res;
  }

  // Wait, unless the run is aborted first (then throw Interrupted).
  async sleep(ms: number): Promise<void> {
    const { signal } = this.opts;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    if (signal?.aborted) throw new Interrupted();
  }

  // Copy a file from this machine onto the target.
  putFile(localPath: string, targetPath: string): Promise<void> {
    return this.target.putFile(localPath, targetPath);
  }

  // Whether the run was aborted.
  get aborted(): boolean {
    return this.opts.signal?.aborted === true;
  }
}
