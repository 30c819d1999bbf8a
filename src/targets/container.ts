import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { shq } from '../shell/quote.js';
import { removeOnExit } from './cleanup.js';
import { EngineError, removeArgs, runEngine, type Engine } from './engine.js';
import { hostCaBundle, CA_IN_CONTAINER, caEnv } from './host-ca.js';
import { spawnScript } from './spawn.js';
import { asStdinScript, type ExecOptions, type ExecResult, type Target } from './target.js';

const KILL_GRACE_MS = 2000;
const NEVER = new Promise<never>(() => {});

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

// A Docker or podman container: a new one made from an image (removed on close unless kept), or an existing one (never removed).
export class ContainerTarget implements Target {
  private closing: Promise<void> | undefined;
  readonly lasting: boolean;
  readonly cacheKey: string;

  private constructor(
    private readonly engine: Engine,
    readonly container: string,
    readonly name: string,
    private readonly withCa: boolean,
    private readonly options: ContainerOptions,
    // For a container rig made: cancels its removal on interrupt (none when kept), and tells whether that removal has begun.
    private readonly made?: { forget: () => void; interrupted: () => boolean },
  ) {
    this.lasting = !made || options.keep === true || options.committed === true;
    this.cacheKey = made ? name.replace(/ \(rig-[0-9a-f]+\)$/, '') : `${engine}:container:${container}`;
  }

  // Start a new container of `image` that idles until rig is done: host network, host CA bundle mounted when there is one.
  static async start(engine: Engine, image: string, options: ContainerOptions = {}): Promise<ContainerTarget> {
    const name = `rig-${randomBytes(4).toString('hex')}`;
    const ca = hostCaBundle();
    const args = ['run', '-d', '--name', name, '--network', 'host', '--entrypoint', 'sleep'];
    if (ca) args.push('-v', `${ca}:${CA_IN_CONTAINER}:ro`);
    args.push(image, 'infinity');
    const created = runEngine(engine, args);
    const remove = () => runEngine(engine, removeArgs(engine, name)).then(() => undefined, () => undefined);
    let interrupted = false;
    const forget = options.keep ? () => undefined : removeOnExit({
      now: () => execFileSync(engine, removeArgs(engine, name), { stdio: 'ignore' }),
      soon: () => {
        interrupted = true;
        return created.then(remove, remove);
      },
    });
    try {
      await created;
    } catch (err) {
      forget();
      await remove();
      if (!(err instanceof EngineError)) throw err;
      throw new UserError(`--target ${engine}:${image}: cannot start a container: ${err.reason}`, '--target');
    }
    return new ContainerTarget(engine, name, `${engine}:${image} (${name})`, ca !== undefined, options, { forget, interrupted: () => interrupted });
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

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // Once rig is interrupted, the container is being removed and rig ends by the signal: no script's
    // result comes back, so the command does not report the failures the removal causes.
    if (this.made?.interrupted()) return NEVER;
    const id = randomBytes(6).toString('hex');
    const fixed = { ...(this.withCa ? caEnv() : {}), RIG_EXEC: id };
    // The caller's variables (secrets among them) travel in the client's environment, not on its command line.
    const env = options.env ?? {};
    const args = ['exec', '-i', ...Object.entries(fixed).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ...Object.keys(env).flatMap((k) => ['-e', k]), this.container, 'bash', '-s'];
    const killInside = () => void this.killMarked(id);
    const timer = options.timeoutMs ? setTimeout(killInside, options.timeoutMs) : undefined;
    if (options.signal?.aborted) killInside();
    options.signal?.addEventListener('abort', killInside, { once: true });
    try {
      const result = await spawnScript(() => execa(this.engine, args, {
        input: asStdinScript(script),
        env,
        extendEnv: true,
        all: true,
        reject: false,
        buffer: false,
        detached: true,
        stripFinalNewline: false,
      }), options);
      if (this.made?.interrupted()) return NEVER;
      if ((result.code === 126 || result.code === 127) && /executable file [`'"]?bash[`'"]? not found|"bash": executable file not found/i.test(result.output)) {
        throw new UserError(`${this.name}: the image has no bash; rig runs its scripts with bash`, '--target');
      }
      // The engine's client exits 0 when it is stopped; the script inside was killed (SIGTERM) all the same.
      return (result.timedOut || result.aborted) && result.code === 0 ? { ...result, code: 143 } : result;
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', killInside);
    }
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
      this.options.note?.(`kept container ${this.container}: ${this.engine} exec -it ${this.container} bash; remove it with ${this.engine} rm -f ${this.container}`);
      return;
    }
    await runEngine(this.engine, removeArgs(this.engine, this.container)).catch(() => undefined);
    // Only now: if rig dies while the removal runs, the removal registered at start still happens.
    this.made.forget();
  }
}
