import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { ContainerBase, NO_BASH, stoppedCode, type ContainerOptions } from './container.js';
import { EngineError, runEngine, type Engine } from './engine.js';
import { spawnScript } from './spawn.js';
import type { ExecOptions, ExecResult } from './target.js';

// A running container rig did not make (container:NAME), used as it is: each script is an `ENGINE exec`; never removed.
export class AttachedContainer extends ContainerBase {
  readonly name: string;
  readonly cacheKey: string;
  readonly lasting = true;

  private constructor(engine: Engine, container: string, options: ContainerOptions) {
    super(engine, container, options);
    this.name = `container:${container}`;
    this.cacheKey = `${engine}:container:${container}`;
  }

  // Use a running container as it is.
  static async attach(engine: Engine, container: string, options: ContainerOptions = {}): Promise<AttachedContainer> {
    let running: string;
    try {
      running = await runEngine(engine, ['container', 'inspect', '--format', '{{.State.Running}}', container]);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      throw new UserError(`--target container:${container}: no such container (${engine}: ${err.reason})`, '--target');
    }
    if (running !== 'true') throw new UserError(`--target container:${container}: the container is not running; start it with ${engine} start ${container}`, '--target');
    return new AttachedContainer(engine, container, options);
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const id = randomBytes(6).toString('hex');
    // The caller's variables (secrets among them) travel in the client's environment, not on its command line.
    const env = options.env ?? {};
    const args = ['exec', '-i', '-e', `RIG_EXEC=${id}`, ...Object.keys(env).flatMap((k) => ['-e', k]), this.container, 'bash', '-s'];
    const watch = this.killOnDemand(id, options);
    try {
      const result = await spawnScript(this.engine, args, script, { ...options, env });
      // Its bash was killed: what it started may still run there, beside the next script.
      if (result.code >= 128 && !watch.how.timedOut && !watch.how.aborted) await this.killMarked(id);
      if ((result.code === 126 || result.code === 127) && NO_BASH.test(result.output)) {
        throw new UserError(`${this.name}: the image has no bash; rig runs its scripts with bash`, '--target');
      }
      return stoppedCode(result);
    } finally {
      watch.cancel();
    }
  }

  protected async commitChanges(): Promise<string[]> {
    return [];
  }

  async close(): Promise<void> {}
}
