import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { shq } from '../shell/quote.js';
import { Agent, AGENT } from './agent.js';
import { removeOnExit } from './cleanup.js';
import { EngineError, removeArgs, runEngine, type Engine } from './engine.js';
import { hostCaBundle, CA_IN_CONTAINER, caEnv } from './host-ca.js';
import { spawnScript } from './spawn.js';
import { asStdinScript, type ExecOptions, type ExecResult, type Target } from './target.js';

const KILL_GRACE_MS = 2000;
// How long the engine's client may take to leave, and remove the container (--rm), once the agent's input ends.
const CLOSE_GRACE_MS = 10_000;
const NEVER = new Promise<never>(() => {});
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NO_BASH = /executable file [`'"]?bash[`'"]? not found|"bash": executable file not found/i;

// How a container target behaves beyond running scripts.
export interface ContainerOptions {
  // Leave a container rig made running when the target closes.
  keep?: boolean;
  // A container rig made is saved as an image after the run (--commit).
  committed?: boolean;
  // Tells the user something worth a line (the name of a kept container, a commit).
  note?: (line: string) => void;
}

// Shell that signals every process in the container whose environment carries RIG_EXEC=<id>.
function signalMarked(id: string, signal: 'TERM' | 'KILL'): string {
  return `for d in /proc/[0-9]*; do grep -qzx ${shq(`RIG_EXEC=${id}`)} "$d/environ" 2>/dev/null && kill -s ${signal} "\${d#/proc/}" 2>/dev/null; done; true`;
}

// Lines of shell that export each variable, its value quoted as data.
function exportLines(env: Record<string, string>): string {
  return Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new Error(`not an environment variable name: ${name}`);
    return `export ${name}=${shq(value)}\n`;
  }).join('');
}

// The engine's client exits 0 when it is stopped, and a script may end just as its time runs out: either way a script
// stopped on timeout or abort reports 143 (SIGTERM), as one that was killed.
function stoppedCode(result: ExecResult): ExecResult {
  return (result.timedOut || result.aborted) && result.code === 0 ? { ...result, code: 143 } : result;
}

// For a container rig made: the agent its scripts go through, the removal registered in case rig dies (a no-op when kept),
// and whether that removal has begun.
interface Made {
  agent: Agent;
  forget: () => void;
  interrupted: () => boolean;
}

// A Docker or podman container: a new one made from an image, whose main process is an agent that runs rig's scripts
// (removed on close unless kept), or an existing one, where each script is an exec (never removed).
export class ContainerTarget implements Target {
  private closing: Promise<void> | undefined;
  // The agent's script, or the last one queued: scripts run there one after another.
  private turn: Promise<unknown> = Promise.resolve();
  readonly lasting: boolean;
  readonly cacheKey: string;

  private constructor(
    private readonly engine: Engine,
    readonly container: string,
    readonly name: string,
    private readonly withCa: boolean,
    private readonly options: ContainerOptions,
    private readonly made?: Made,
  ) {
    this.lasting = !made || options.keep === true || options.committed === true;
    this.cacheKey = made ? name.replace(/ \(rig-[0-9a-f]+\)$/, '') : `${engine}:container:${container}`;
  }

  // Start a new container of `image` with the agent as its main process, its client attached to rig: host network, host
  // CA bundle mounted when there is one, no log of the scripts' output; removed by the engine when the agent leaves.
  static async start(engine: Engine, image: string, options: ContainerOptions = {}): Promise<ContainerTarget> {
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
    return new ContainerTarget(engine, name, target, ca !== undefined, options, { agent, forget, interrupted: () => interrupted });
  }

  // Use a running container as it is.
  static async attach(engine: Engine, container: string, options: ContainerOptions = {}): Promise<ContainerTarget> {
    let running: string;
    try {
      running = await runEngine(engine, ['container', 'inspect', '--format', '{{.State.Running}}', container]);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      throw new UserError(`--target container:${container}: no such container (${engine}: ${err.reason})`, '--target');
    }
    if (running !== 'true') throw new UserError(`--target container:${container}: the container is not running; start it with ${engine} start ${container}`, '--target');
    return new ContainerTarget(engine, container, `container:${container}`, false, options);
  }

  exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // Once rig is interrupted, the container is being removed and rig ends by the signal: no script's
    // result comes back, so the command does not report the failures the removal causes.
    if (this.made?.interrupted()) return NEVER;
    if (!this.made) return this.execEach(script, options);
    const agent = this.made.agent;
    const run = this.turn.then(() => this.execInAgent(agent, script, options));
    this.turn = run.catch(() => undefined);
    return run;
  }

  // Send the script, with its variables (secrets among them) exported at its top, to the agent.
  private async execInAgent(agent: Agent, script: string, options: ExecOptions): Promise<ExecResult> {
    if (options.signal?.aborted) return { code: 143, output: '', timedOut: false, aborted: true };
    const id = randomBytes(6).toString('hex');
    const body = exportLines({ ...(this.withCa ? caEnv() : {}), ...options.env }) + asStdinScript(script);
    const watch = this.killOnDemand(id, options);
    try {
      const { code, output } = await agent.run(id, body, options.onOutput);
      if (this.made?.interrupted()) return NEVER;
      return stoppedCode({ code, output, ...watch.how });
    } finally {
      watch.cancel();
    }
  }

  // Run the script with `ENGINE exec` in a container rig did not make.
  private async execEach(script: string, options: ExecOptions): Promise<ExecResult> {
    const id = randomBytes(6).toString('hex');
    // The caller's variables (secrets among them) travel in the client's environment, not on its command line.
    const env = options.env ?? {};
    const args = ['exec', '-i', '-e', `RIG_EXEC=${id}`, ...Object.keys(env).flatMap((k) => ['-e', k]), this.container, 'bash', '-s'];
    const watch = this.killOnDemand(id, options);
    try {
      const result = await spawnScript(this.engine, args, script, { ...options, env });
      if ((result.code === 126 || result.code === 127) && NO_BASH.test(result.output)) {
        throw new UserError(`${this.name}: the image has no bash; rig runs its scripts with bash`, '--target');
      }
      return stoppedCode(result);
    } finally {
      watch.cancel();
    }
  }

  // On timeout or abort, kill what the script marked `id` started inside; `how` says which happened.
  private killOnDemand(id: string, options: ExecOptions): { how: { timedOut: boolean; aborted: boolean }; cancel: () => void } {
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

  // Stop what a timed-out or aborted script left running inside: TERM, then KILL after a grace period.
  private async killMarked(id: string): Promise<void> {
    const run = (signal: 'TERM' | 'KILL') => runEngine(this.engine, ['exec', this.container, 'bash', '-c', signalMarked(id, signal)]).catch(() => undefined);
    await run('TERM');
    await new Promise((r) => setTimeout(r, KILL_GRACE_MS).unref());
    await run('KILL');
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

  // Save the container as an image; a container rig made keeps the entrypoint and command of its image.
  async commit(tag: string): Promise<void> {
    const changes: string[] = [];
    if (this.made) {
      const imageId = await runEngine(this.engine, ['container', 'inspect', '--format', '{{.Image}}', this.container]);
      const config = await runEngine(this.engine, ['image', 'inspect', '--format', '{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}', imageId]);
      const [entrypoint, cmd] = config.split('\n').map((j) => (j === 'null' ? '[]' : j));
      changes.push('--change', `ENTRYPOINT ${entrypoint}`, '--change', `CMD ${cmd}`);
    }
    try {
      await runEngine(this.engine, ['commit', ...changes, this.container, tag]);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      throw new UserError(`--commit ${tag}: ${err.message}`, '--commit');
    }
    this.options.note?.(`committed ${this.container} as ${tag}`);
  }

  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    if (!this.made) return;
    if (this.options.keep) {
      this.made.agent.detach();
      this.options.note?.(`kept container ${this.container}: ${this.engine} exec -it ${this.container} bash; remove it with ${this.engine} rm -f ${this.container}`);
      return;
    }
    // The agent leaves at the end of its input and the engine removes the container (--rm); when that does not
    // happen in time (a script still running), the container is removed here.
    if (!(await this.made.agent.finish(CLOSE_GRACE_MS))) await runEngine(this.engine, removeArgs(this.engine, this.container)).catch(() => undefined);
    // Only now: if rig dies while the removal runs, the removal registered at start still happens.
    this.made.forget();
  }
}
