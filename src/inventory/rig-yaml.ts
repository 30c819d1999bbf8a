import { z } from 'zod';
import { UserError, UserErrors } from '../errors.js';
import { zodErrors } from '../recipe/zod-errors.js';
import { sshDestination } from '../targets/ssh-spec.js';
import { didYouMean } from '../text/suggest.js';
import type { KeyPath, SourcePositions } from '../yaml/source.js';
import { addHost, emptyTree, groupOf, type InventoryTree, type Vars } from './tree.js';

const reach = {
  user: z.string().optional(),
  key: z.string().optional(),
  options: z.array(z.string()).optional(),
  become: z.boolean().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
};
const hostSchema = z.union([z.string(), z.strictObject({ ssh: z.string().optional(), ...reach }), z.null()]);
const groupSchema = z.strictObject({ hosts: z.array(z.string()).optional(), children: z.array(z.string()).optional(), ...reach });

// rig's own inventory: hosts (NAME: [user@]host[:port], or a mapping), groups of them, and params at each level.
export const rigInventorySchema = z.strictObject({ hosts: z.record(z.string(), hostSchema), groups: z.record(z.string(), groupSchema).optional(), ...reach });

type Reach = { [K in keyof typeof reach]?: z.infer<(typeof reach)[K]> };

// The keys rig's inventory shares with Ansible's variables.
const ANSIBLE_NAMES: Record<string, string> = { user: 'ansible_user', key: 'ansible_ssh_private_key_file', options: 'ansible_ssh_common_args', become: 'ansible_become', params: 'rig_params' };

function varsOf(spec: Reach, path: KeyPath, positions: SourcePositions): Vars {
  const vars: Vars = new Map();
  for (const [key, name] of Object.entries(ANSIBLE_NAMES)) {
    const value = spec[key as keyof Reach];
    if (value !== undefined) vars.set(name, { value, where: positions.at([...path, key]) });
  }
  return vars;
}

function destinationVars(spec: string, path: KeyPath, positions: SourcePositions): Vars {
  const where = positions.at(path);
  const dest = sshDestination(spec);
  if (!dest) throw new UserError(`${path.join('.')}: "${spec}": expected [user@]host[:port]`, where);
  const vars: Vars = new Map([['ansible_host', { value: dest.host, where }]]);
  if (dest.port) vars.set('ansible_port', { value: dest.port, where });
  if (dest.user) vars.set('ansible_user', { value: dest.user, where });
  return vars;
}

// Read rig's own YAML inventory as the groups and hosts Ansible's would have.
export function readRigYaml(data: unknown, positions: SourcePositions): InventoryTree {
  const parsed = rigInventorySchema.safeParse(data);
  if (!parsed.success) throw new UserErrors(zodErrors(parsed.error, rigInventorySchema, data, positions));
  const spec = parsed.data;
  const tree = emptyTree(positions.file);
  const all = groupOf(tree, 'all', positions.at([]));
  for (const [key, value] of varsOf(spec, [], positions)) all.vars.set(key, value);
  const ungrouped = groupOf(tree, 'ungrouped', positions.at([]));
  for (const [name, host] of Object.entries(spec.hosts)) {
    const path = ['hosts', name];
    const target = typeof host === 'string' ? host : host?.ssh;
    const vars = new Map([...(target === undefined ? [] : destinationVars(target, typeof host === 'string' ? path : [...path, 'ssh'], positions)), ...(host && typeof host === 'object' ? varsOf(host, path, positions) : [])]);
    addHost(tree, ungrouped, name, positions.keyAt(['hosts'], name), vars);
  }
  for (const [name, group] of Object.entries(spec.groups ?? {})) {
    const node = groupOf(tree, name, positions.keyAt(['groups'], name));
    for (const [key, value] of varsOf(group, ['groups', name], positions)) node.vars.set(key, value);
    (group.hosts ?? []).forEach((host, i) => {
      const where = positions.at(['groups', name, 'hosts', i]);
      if (!(host in spec.hosts)) throw new UserError(`groups.${name}.hosts[${i}]: no host "${host}" under hosts${didYouMean(host, Object.keys(spec.hosts))}`, where);
      node.hosts.add(host);
      ungrouped.hosts.delete(host);
    });
    (group.children ?? []).forEach((child, i) => {
      const where = positions.at(['groups', name, 'children', i]);
      if (!(child in (spec.groups ?? {}))) throw new UserError(`groups.${name}.children[${i}]: no group "${child}" under groups${didYouMean(child, Object.keys(spec.groups ?? {}))}`, where);
      node.children.set(child, where);
    });
  }
  return tree;
}
