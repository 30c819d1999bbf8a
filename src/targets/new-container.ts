import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { shq } from '../shell/quote.js';
import { Agent, AGENT } from './agent.js';
import { removeOnExit } from './cleanup.js';
import { ContainerBase, NO_BASH, stoppedCode, type ContainerOptions } from './container.js';
import { EngineError, removeArgs, runEngine, type Engine } from './engine.js';
import { hostCaBundle, CA_IN_CONTAINER, caEnv } from './host-ca.js';
import { asStdinScript, type ExecOptions, type ExecResult } from './target.js';

// How long the engine's client may take to leave, and remove the container (--rm), once the agent's input ends.
const CLOSE_GRACE_MS = 10_000;
const NEVER = new Promise<never>(() => {});
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Lines of shell that export each variable, its value quoted as data.
function exportLines(env: Record<string, string>): string {
  return Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new Error(`not an environment variable name: ${name}`);
    return `export ${name}=${shq(value)}\n`;
  }).join('');
}

// A new container rig makes from an image (docker:IMAGE, podman:IMAGE), whose main process is an agent that runs rig's
// scripts one after another; removed on close unless kept, and removed even when rig dies.
export class NewContainer extends ContainerBase {
  private closing: Promise<void> | undefined;
  // The agent's script, or the last one queued: scripts run there one after another.
  private turn: Promise<unknown> = Promise.resolve();
  readonly lasting: boolean;
  readonly cacheKey: string;
  readonly resumeAs: string | undefined;

  private constructor(
    engine: Engine,
    container: string,
    readonly name: string,
    private readonly withCa: boolean,
    options: ContainerOptions,
    private readonly agent: Agent,
    // Unregisters the removal set up in case rig dies (a no-op when kept).
    private readonly forget: () => void,
    // Has that removal begun (rig was interrupted)?
    private readonly interrupted: () => boolean,
  ) {
    super(engine, container, options);
    this.lasting = options.keep === true || options.committed === true;
    this.cacheKey = name.replace(/ \(rig-[0-9a-f]+\)$/, '');
    this.resumeAs = options.keep ? `container:${container}` : undefined;
  }

  // Start a new container of `image` with the agent as its main process, its client attached to rig: host network, host
  // CA bundle mounted when there is one, no log of the scripts' output; removed by the engine when the agent leaves.
  static async start(engine: Engine, image: string, options: ContainerOptions = {}): Promise<NewContainer> {
    const name = `rig-${randomBytes(4).toString('hex')}`;
    const ca = hostCaBundle();
    const args = ['run', '-i', ...(options.keep ? [] : ['--rm']), '--name', name, '--network', 'host', '--log-driver', 'none', '--entrypoint', 'bash'];
    if (ca) args.push('-v', `${ca}:${CA_IN_CONTAINER}:ro`);
    args.push(image, '-c', AGENT);
    const created = Agent.start(engine, args, options.keep === true);
    const remove = () => runEngine(engine, removeArgs(engine, name)).then(() => undefined, () => undefined);
    let interrupted = false;
    const forget = options.keep ? () => undefined : removeOnExit({
      now: () => execFileSync(engine, removeArgs(engine, name), { stdio: 'ignore' }),
      soon: () => {
        interrupted = true;
        return created.then(remove, remove);
      },
    });
    const target = `${engine}:${image} (${name})`;
    let agent: Agent;
    try {
      agent = await created;
    } catch (err) {
      forget();
      await remove();
      if (!(err instanceof EngineError)) throw err;
      if (NO_BASH.test(err.reason)) throw new UserError(`${target}: the image has no bash; rig runs its scripts with bash`, '--target');
      throw new UserError(`--target ${engine}:${image}: cannot start a container: ${err.reason}`, '--target');
    }
    return new NewContainer(engine, name, target, ca !== undefined, options, agent, forget, () => interrupted);
  }

  exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // Once rig is interrupted, the container is being removed and rig ends by the signal: no script's
    // result comes back, so the command does not report the failures the removal causes.
    if (this.interrupted()) return NEVER;
    const run = this.turn.then(() => this.execInAgent(script, options));
    this.turn = run.catch(() => undefined);
    return run;
  }

  // Send the script, with its variables (secrets among them) exported at its top, to the agent.
  private async execInAgent(script: string, options: ExecOptions): Promise<ExecResult> {
    if (options.signal?.aborted) return { code: 143, output: '', timedOut: false, aborted: true };
    const id = randomBytes(6).toString('hex');
    const body = exportLines({ ...(this.withCa ? caEnv() : {}), ...options.env }) + asStdinScript(script);
    const watch = this.killOnDemand(id, options);
    try {
      const { code, output } = await this.agent.run(id, body, options.onOutput);
      if (this.interrupted()) return NEVER;
      return stoppedCode({ code, output, ...watch.how });
    } finally {
      watch.cancel();
    }
  }

  protected async commitChanges(): Promise<string[]> {
    const imageId = await runEngine(this.engine, ['container', 'inspect', '--format', '{{.Image}}', this.container]);
    const config = await runEngine(this.engine, ['image', 'inspect', '--format', '{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}', imageId]);
    const [entrypoint, cmd] = config.split('\n').map((j) => (j === 'null' ? '[]' : j));
    return ['--change', `ENTRYPOINT ${entrypoint}`, '--change', `CMD ${cmd}`];
  }

  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    if (this.options.keep) {
      this.agent.detach();
      this.options.note?.(`kept container ${this.container}: ${this.engine} exec -it ${this.container} bash; remove it with ${this.engine} rm -f ${this.container}`);
      return;
    }
    // The agent leaves at the end of its input and the engine removes the container (--rm); when that does not
    // happen in time (a script still running), the container is removed here.
    if (!(await this.agent.finish(CLOSE_GRACE_MS))) await runEngine(this.engine, removeArgs(this.engine, this.container)).catch(() => undefined);
    // Only now: if rig dies while the removal runs, the removal registered at start still happens.
    this.forget();
  }
}
