import { UserError } from '../errors.js';
import { LocalTarget } from './local.js';
import type { Target } from './target.js';

// How to open a target, from --engine, --keep and --commit.
export interface TargetOptions {
  engine?: string;
  keep?: boolean;
  commit?: string;
  // The sudo password for an ssh target whose sudo asks for one (--ask-become-pass).
  becomePassword?: string;
  // Tells the user something worth a line (the name of a kept container, a commit).
  note?: (line: string) => void;
}

const SPEC = /^(docker|podman|container):(.+)$/;
// A container's name or id as Docker and podman allow them.
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IMAGE_REF = /^([\w.-]+(:\d+)?\/)?[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;

// Is this an image reference: [host[:port]/]path[:tag][@digest], path in lowercase?
export function isImageRef(value: string): boolean {
  return IMAGE_REF.test(value);
}

function refuseContainerFlags(spec: string, options: TargetOptions): void {
  const flag = options.commit !== undefined ? '--commit' : options.keep ? '--keep' : options.engine !== undefined ? '--engine' : undefined;
  if (flag) throw new UserError(`${flag} needs a container target (--target podman:IMAGE, docker:IMAGE or container:NAME), not ${spec}`, flag);
}

// Open the target named by --target: "local" (the default), "docker:IMAGE" or "podman:IMAGE" (a new container),
// "container:NAME", "ssh:[user@]host[:port]".
export async function openTarget(spec: string | undefined, options: TargetOptions = {}): Promise<Target> {
  if (spec === undefined || spec === 'local') {
    refuseContainerFlags('local', options);
    return new LocalTarget();
  }
  if (spec.startsWith('ssh:')) {
    refuseContainerFlags(spec, options);
    const { SshTarget } = await import('./ssh.js');
    return SshTarget.connect(spec.slice(4), options.becomePassword);
  }
  const m = SPEC.exec(spec);
  if (!m) throw new UserError(`--target ${spec}: unknown target; use local, docker:IMAGE, podman:IMAGE, container:NAME or ssh:[USER@]HOST[:PORT]`, '--target');
  const kind = m[1] as 'docker' | 'podman' | 'container';
  const what = m[2]!;
  if (options.commit !== undefined && !isImageRef(options.commit)) throw new UserError(`--commit ${options.commit}: not an image name (e.g. localhost/ml-box:1)`, '--commit');
  const { pickEngine } = await import('./engine.js');
  const containerOptions = { keep: options.keep === true, committed: options.commit !== undefined, ...(options.note ? { note: options.note } : {}) };
  if (kind === 'container') {
    if (options.keep) throw new UserError('--keep applies to a new container (docker:IMAGE, podman:IMAGE); container:NAME is never removed', '--keep');
    if (!CONTAINER_NAME.test(what)) throw new UserError(`--target ${spec}: "${what}" is not a container name or id`, '--target');
    const { AttachedContainer } = await import('./attached-container.js');
    return AttachedContainer.attach(await pickEngine(options.engine, `--target ${spec}`), what, containerOptions);
  }
  if (options.engine !== undefined && options.engine !== kind) throw new UserError(`--engine ${options.engine} contradicts --target ${spec}`, '--engine');
  if (!isImageRef(what)) throw new UserError(`--target ${spec}: "${what}" is not an image name`, '--target');
  const { NewContainer } = await import('./new-container.js');
  return NewContainer.start(kind, what, containerOptions);
}
