import { UserError } from '../errors.js';
import { hostFromVars } from './host-vars.js';
import type { InventoryTree } from './tree.js';
import type { InventoryHost } from './types.js';

// Each group's depth below "all" (a group no other names as a child is right under it); a group that is its own
// ancestor is a UserError naming the loop.
function depths(tree: InventoryTree, parents: Map<string, string[]>): Map<string, number> {
  const depth = new Map<string, number>([['all', 0]]);
  const visit = (name: string, trail: string[]): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (trail.includes(name)) {
      const loop = [...trail.slice(trail.indexOf(name)), name];
      throw new UserError(`group ${name} is its own child: ${loop.join(' → ')}`, tree.groups.get(name)!.where);
    }
    const above = (parents.get(name) ?? []).filter((p) => p !== 'all');
    const d = above.length ? Math.max(...above.map((p) => visit(p, [...trail, name]))) + 1 : 1;
    depth.set(name, d);
    return d;
  };
  for (const name of tree.groups.keys()) visit(name, []);
  return depth;
}

// The hosts of an inventory, in the order first named, each with its groups and its variables merged as Ansible
// merges them: all, then groups from the shallowest (by name where they are as deep), then the host's own.
export function resolveHosts(tree: InventoryTree): InventoryHost[] {
  const parents = new Map<string, string[]>();
  for (const group of tree.groups.values()) for (const child of group.children.keys()) parents.set(child, [...(parents.get(child) ?? []), group.name]);
  const depth = depths(tree, parents);
  return [...tree.hosts].map(([name, host]) => {
    let direct = [...tree.groups.values()].filter((g) => g.name !== 'all' && g.hosts.has(name)).map((g) => g.name);
    if (direct.some((g) => g !== 'ungrouped')) direct = direct.filter((g) => g !== 'ungrouped');
    if (!direct.length) direct = ['ungrouped'];
    const groups = new Set<string>();
    const climb = (g: string) => {
      if (g === 'all' || groups.has(g)) return;
      groups.add(g);
      for (const p of parents.get(g) ?? []) climb(p);
    };
    direct.forEach(climb);
    const ordered = [...groups].sort((a, b) => depth.get(a)! - depth.get(b)! || a.localeCompare(b));
    const levels = ['all', ...ordered].map((g) => tree.groups.get(g)?.vars ?? new Map());
    try {
      return hostFromVars(name, ordered, [...levels, host.vars]);
    } catch (err) {
      if (err instanceof UserError && !err.where) throw new UserError(`host ${name}: ${err.message}`, host.where);
      throw err;
    }
  });
}
