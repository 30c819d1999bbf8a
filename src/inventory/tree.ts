// A variable of an inventory, with where it was written ("file:line:col").
export interface Var {
  value: unknown;
  where: string;
}

// Variables by name.
export type Vars = Map<string, Var>;

// A group of an inventory: its own variables, its child groups and the hosts named in it.
export interface Group {
  name: string;
  where: string;
  vars: Vars;
  children: Map<string, string>;
  hosts: Set<string>;
}

// An inventory as Ansible models it, whichever file form it was read from: groups under "all", hosts with variables.
export interface InventoryTree {
  groups: Map<string, Group>;
  hosts: Map<string, { where: string; vars: Vars }>;
}

// An inventory with only the "all" group.
export function emptyTree(file: string): InventoryTree {
  const tree: InventoryTree = { groups: new Map(), hosts: new Map() };
  groupOf(tree, 'all', `${file}:1:1`);
  return tree;
}

// The group of this name, made (where first seen) if it is new.
export function groupOf(tree: InventoryTree, name: string, where: string): Group {
  let group = tree.groups.get(name);
  if (!group) tree.groups.set(name, (group = { name, where, vars: new Map(), children: new Map(), hosts: new Set() }));
  return group;
}

// Name a host in a group, with the variables given beside it there (later ones win over earlier ones).
export function addHost(tree: InventoryTree, group: Group, name: string, where: string, vars: Vars): void {
  const host = tree.hosts.get(name);
  if (host) for (const [key, value] of vars) host.vars.set(key, value);
  else tree.hosts.set(name, { where, vars: new Map(vars) });
  group.hosts.add(name);
}
