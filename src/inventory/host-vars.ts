import { UserError } from '../errors.js';
import { parseSet, type ParamSet } from '../plan/params.js';
import { shellWords } from '../shell/split.js';
import type { SshDestination } from '../targets/ssh-spec.js';
import { HOST_NAME } from './host-range.js';
import type { Var, Vars } from './tree.js';
import type { InventoryHost } from './types.js';

const SSH_CONNECTIONS = /^(?:ansible\.builtin\.)?(?:ssh|smart|paramiko|paramiko_ssh)$/;
const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;

function text(key: string, v: Var): string {
  if (typeof v.value === 'string' || typeof v.value === 'number') return String(v.value);
  throw new UserError(`${key}: expected a string, found ${JSON.stringify(v.value)}`, v.where);
}

// "recipe.param=value" as a param set whose flag names where the inventory gave it.
function setOf(entry: string, key: string, where: string): ParamSet {
  try {
    return { ...parseSet(entry), flag: `${where}: ${key} ${entry}`, ifPlanned: true };
  } catch {
    throw new UserError(`${key} ${entry}: expected recipe.param=value, e.g. cmake.version=3.24.0`, where);
  }
}

// The param sets of rig_set ("a.b=c d.e='f g'") or rig_params ({a.b: c}).
function setsOf(key: string, v: Var): ParamSet[] {
  if (key === 'rig_params') {
    if (!v.value || typeof v.value !== 'object' || Array.isArray(v.value)) throw new UserError('rig_params: expected a mapping of recipe.param: value', v.where);
    return Object.entries(v.value).map(([name, value]) => {
      if (value === null || typeof value === 'object') throw new UserError(`rig_params.${name}: expected a string, number or true/false`, v.where);
      return setOf(`${name}=${String(value)}`, 'rig_params', v.where);
    });
  }
  try {
    return shellWords(text(key, v)).map((entry) => setOf(entry, key, v.where));
  } catch (err) {
    throw err instanceof UserError ? err : new UserError(`${key}: ${(err as Error).message}`, v.where);
  }
}

function sshWords(key: string, v: Var): string[] {
  if (Array.isArray(v.value) && v.value.every((w) => typeof w === 'string')) return v.value;
  try {
    return shellWords(text(key, v));
  } catch (err) {
    throw err instanceof UserError ? err : new UserError(`${key}: ${(err as Error).message}`, v.where);
  }
}

function flag(key: string, v: Var): boolean {
  if (typeof v.value === 'boolean') return v.value;
  const word = String(v.value).toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(word)) return true;
  if (['false', 'no', 'off', '0'].includes(word)) return false;
  throw new UserError(`${key}: expected true or false, found ${JSON.stringify(v.value)}`, v.where);
}

function destination(name: string, vars: Map<string, Var>): SshDestination {
  const first = (...keys: string[]) => keys.map((k) => [k, vars.get(k)] as const).find(([, v]) => v !== undefined) as [string, Var] | undefined;
  const connection = vars.get('ansible_connection');
  if (connection && !SSH_CONNECTIONS.test(text('ansible_connection', connection))) throw new UserError(`ansible_connection=${text('ansible_connection', connection)}: rig reaches the hosts of an inventory over ssh only`, connection.where);
  const hostVar = first('ansible_host', 'ansible_ssh_host');
  const host = hostVar ? text(hostVar[0], hostVar[1]).replace(/^\[(.*)\]$/, '$1') : name;
  if (!HOST_NAME.test(host)) throw new UserError(`${hostVar?.[0] ?? 'host'} "${host}": expected a host name or address`, hostVar?.[1].where);
  const dest: SshDestination = { host, options: [] };
  const portVar = first('ansible_port', 'ansible_ssh_port');
  if (portVar) {
    const port = text(portVar[0], portVar[1]);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new UserError(`${portVar[0]} ${port}: expected a port from 1 to 65535`, portVar[1].where);
    dest.port = Number(port);
  }
  const userVar = first('ansible_user', 'ansible_ssh_user');
  if (userVar) {
    const user = text(userVar[0], userVar[1]);
    if (!USER.test(user)) throw new UserError(`${userVar[0]} "${user}": expected a user name`, userVar[1].where);
    dest.user = user;
  }
  const keyVar = first('ansible_ssh_private_key_file', 'ansible_private_key_file');
  if (keyVar) dest.identityFile = text(keyVar[0], keyVar[1]);
  for (const key of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const v = vars.get(key);
    if (v) dest.options!.push(...sshWords(key, v));
  }
  return dest;
}

// One host from its variables, level by level (all, parent groups, child groups, the host's own): the later level wins
// for Ansible's variables, and every level's rig_set and rig_params are kept in order, so the host's own come last.
export function hostFromVars(name: string, groups: string[], levels: Vars[]): InventoryHost {
  const merged = new Map<string, Var>();
  const sets: ParamSet[] = [];
  for (const level of levels) {
    for (const [key, v] of level) {
      if (key === 'rig_set' || key === 'rig_params') sets.push(...setsOf(key, v));
      else merged.set(key, v);
    }
  }
  const become = merged.get('ansible_become');
  return { name, groups, ssh: destination(name, merged), ...(become ? { become: flag('ansible_become', become) } : {}), sets };
}
