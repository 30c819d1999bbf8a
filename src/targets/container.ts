import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { shq } from '../shell/quote.js';
import { EngineError, runEngine, type Engine } from './engine.js';
import { REAP_FUNCTIONS } from './reap.js';
import type { ExecOptions, ExecResult, Target } from './target.js';

// Bash is missing from the image (the engine's words for it).
export const NO_BASH = /executable file [`'"]?bash[`'"]? not found|"bash": executable file not found/i;

// How a container target behaves beyond running scripts.
export interface ContainerOptions {
  // Leave a container rig made running when the target closes.
  keep?: boolean;
  // A container rig made is saved as an image after the run (--commit).
  committed?: boolean;
  // Tells the user something worth a line (the name of a kept container, a commit).
  note?: (line: string) => void;
}

// The engine's client exits 0 when it is stopped, and a script may end just as its time runs out: either way a script
// stopped on timeout or abort reports 143 (SIGTERM), as one that was killed.
export function stoppedCode(result: ExecResult): ExecResult {
  return (result.timedOut || result.aborted) && result.code === 0 ? { ...result, code: 143 } : result;
}

// What every container target does the same way: copy files in, stop what a script left running, save as an image.
export abstract class ContainerBase implements Target {
  abstract readonly name: string;
  abstract readonly cacheKey: string;
  // Every container is locked by its name.
  get lockKey(): string {
    return `container:${this.container}`;
  }
  abstract readonly lasting: boolean;

  constructor(protected readonly engine: Engine, readonly container: string, protected readonly options: ContainerOptions) {}

  abstract exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  abstract close(): Promise<void>;

  // The changes `commit` gives the image (a container rig made keeps the entrypoint and command of its image).
  protected abstract commitChanges(): Promise<string[]>;

  // On timeout or abort, kill what the script marked `id` started inside; `how` says which happened.
  protected killOnDemand(id: string, options: ExecOptions): { how: { timedOut: boolean; aborted: boolean }; cancel: () => void } {
    const how = { timedOut: false, aborted: false };
    const stop = (why: keyof typeof how) => {
      how[why] = true;
      void this.killMarked(id);
    };
    const onAbort = () => stop('aborted');
    const timer = options.timeoutMs ? setTimeout(() => stop('timedOut'), options.timeoutMs) : undefined;
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    return {
      how,
      cancel: () => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      },
    };
  }

  // Stop what a script left running inside (it timed out, was aborted, or its bash was killed): TERM, then KILL.
  protected async killMarked(id: string): Promise<void> {
    await runEngine(this.engine, ['exec', this.container, 'bash', '-c', `${REAP_FUNCTIONS}\nreap ${shq(`RIG_EXEC=${id}`)}`]).catch(() => undefined);
  }

  async putFile(localPath: string, targetPath: string): Promise<void> {
    const copy = () => runEngine(this.engine, ['cp', localPath, `${this.container}:${targetPath}`]);
    try {
      await copy();
      return;
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
    }
    const dir = await this.exec(`mkdir -p ${shq(posix.dirname(targetPath))}`);
    if (dir.code !== 0) throw new Error(`${this.name}: mkdir -p ${posix.dirname(targetPath)} failed: ${dir.output.trim()}`);
    await copy();
  }

  async commit(tag: string): Promise<void> {
    const changes = await this.commitChanges();
    try {
      await runEngine(this.engine, ['commit', ...changes, this.container, tag]);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      throw new UserError(`--commit ${tag}: ${err.message}`, '--commit');
    }
    this.options.note?.(`committed ${this.container} as ${tag}`);
  }
}
