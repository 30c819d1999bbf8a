import { UserError } from '../errors.js';

// An SSH destination as --target ssh:[user@]host[:port] gives it ([user@][v6]:port for an IPv6 address).
export interface SshDestination {
  user?: string;
  host: string;
  port?: number;
  // ssh -i: the key to log in with (an inventory's ansible_ssh_private_key_file).
  identityFile?: string;
  // More ssh options, before the destination (an inventory's ansible_ssh_common_args).
  options?: string[];
}

const DESTINATION = /^(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*)(?::(\d{1,5}))?$/;

// The destination [user@]host[:port] names, or undefined when it is not one.
export function sshDestination(spec: string): SshDestination | undefined {
  const m = DESTINATION.exec(spec);
  const port = m?.[3] === undefined ? undefined : Number(m[3]);
  if (!m || (port !== undefined && (port < 1 || port > 65535))) return undefined;
  return { ...(m[1] ? { user: m[1] } : {}), host: m[2]!.replace(/^\[(.*)\]$/, '$1'), ...(port ? { port } : {}) };
}

// The destination of ssh:SPEC; a spec that is not one is a UserError naming the flag.
export function parseSshSpec(spec: string): SshDestination {
  const dest = sshDestination(spec);
  if (!dest) throw new UserError(`--target ssh:${spec}: expected ssh:[user@]host[:port]`, '--target');
  return dest;
}

// [user@]host[:port], with an IPv6 address in brackets.
export function destinationText(dest: SshDestination): string {
  return `${dest.user ? `${dest.user}@` : ''}${dest.host.includes(':') ? `[${dest.host}]` : dest.host}${dest.port ? `:${dest.port}` : ''}`;
}
