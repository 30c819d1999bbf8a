import { UserError } from '../errors.js';
import type { KeyPath, SourcePositions } from '../yaml/source.js';
import { parseHostPattern } from './host-range.js';
import { addHost, emptyTree, groupOf, type InventoryTree, type Vars } from './tree.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// A mapping at `path`, or nothing for null; anything else is a UserError saying what was expected.
function mappingAt(value: unknown, path: KeyPath, what: string, positions: SourcePositions): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) throw new UserError(`${path.join('.')}: expected ${what} (a mapping)`, positions.at(path));
  return value;
}

function varsAt(value: unknown, path: KeyPath, positions: SourcePositions): Vars {
  const vars: Vars = new Map();
  for (const [key, v] of Object.entries(mappingAt(value, path, 'variables', positions))) vars.set(key, { value: v, where: positions.at([...path, key]) });
  return vars;
}

function readGroup(tree: InventoryTree, name: string, body: unknown, path: KeyPath, positions: SourcePositions): void {
  const group = groupOf(tree, name, positions.at(path));
  const spec = mappingAt(body, path, `the group ${name}: hosts, vars, children`, positions);
  for (const key of Object.keys(spec)) {
    if (!GROUP_KEYS.includes(key)) throw new UserError(`${[...path, key].join('.')}: unknown key "${key}" of group ${name} (a group has hosts, vars and children)`, positions.keyAt(path, key));
  }
  for (const [key, v] of varsAt(spec.vars, [...path, 'vars'], positions)) group.vars.set(key, v);
  for (const [pattern, hostVars] of Object.entries(mappingAt(spec.hosts, [...path, 'hosts'], 'hosts', positions))) {
    const where = positions.keyAt([...path, 'hosts'], pattern);
    const { names, port } = parseHostPattern(pattern, where);
    const vars = varsAt(hostVars, [...path, 'hosts', pattern], positions);
    if (port !== undefined && !vars.has('ansible_port')) vars.set('ansible_port', { value: port, where });
    for (const host of names) addHost(tree, group, host, where, vars);
  }
  for (const [child, childBody] of Object.entries(mappingAt(spec.children, [...path, 'children'], 'child groups', positions))) {
    group.children.set(child, positions.keyAt([...path, 'children'], child));
    readGroup(tree, child, childBody, [...path, 'children', child], positions);
  }
}

// Read an Ansible YAML inventory: groups (all, and any others at the top) with hosts, vars and children.
export function readAnsibleYaml(data: unknown, positions: SourcePositions): InventoryTree {
  const tree = emptyTree(positions.file);
  for (const [name, body] of Object.entries(mappingAt(data, [], 'groups such as all:', positions))) readGroup(tree, name, body, [name], positions);
  return tree;
}
