import { UserError } from '../errors.js';
import { shellWords } from '../shell/split.js';
import { parseHostPattern } from './host-range.js';
import { addHost, emptyTree, groupOf, type InventoryTree, type Vars } from './tree.js';

const SECTION = /^\[([^\]:\s]+)(?::([A-Za-z]+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// A value as Ansible's INI reader reads it: quotes around the whole value are taken off.
function unquote(value: string): string {
  return /^(["']).*\1$/s.test(value) && value.length > 1 ? value.slice(1, -1) : value;
}

function checkVarName(key: string, where: string): void {
  if (!VAR_NAME.test(key)) throw new UserError(`"${key}": expected a variable name (letters, digits and _)`, where);
}

// The host line "web[01:03] ansible_port=2222 rig_set='a.b=c'": its hosts, and the variables given beside them.
function hostLine(line: string, where: (col: number) => string): { names: string[]; vars: Vars } {
  let words: string[];
  try {
    words = shellWords(line, true);
  } catch (err) {
    throw new UserError(`${(err as Error).message}`, where(1));
  }
  const { names, port } = parseHostPattern(words[0]!, where(line.indexOf(words[0]!) + 1));
  const vars: Vars = new Map();
  if (port !== undefined) vars.set('ansible_port', { value: port, where: where(line.indexOf(words[0]!) + 1) });
  for (const word of words.slice(1)) {
    const eq = word.indexOf('=');
    const key = eq < 0 ? word : word.slice(0, eq);
    const at = where(Math.max(line.indexOf(eq < 0 ? word : `${key}=`), 0) + 1);
    if (eq < 0) throw new UserError(`"${word}": expected KEY=VALUE after the host name`, at);
    checkVarName(key, at);
    vars.set(key, { value: word.slice(eq + 1), where: at });
  }
  return { names, vars };
}

// Read an Ansible INI inventory: [group] host lines, [group:vars] KEY=VALUE lines, [group:children] group names.
export function readAnsibleIni(text: string, file: string): InventoryTree {
  const tree = emptyTree(file);
  let group = groupOf(tree, 'ungrouped', `${file}:1:1`);
  let kind = 'hosts';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    const where = (col: number) => `${file}:${index + 1}:${indent + col}`;
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const section = SECTION.exec(line);
    if (section || (line.startsWith('[') && /\]\s*(?:[#;].*)?$/.test(line))) {
      if (!section) throw new UserError(`"${line}": expected a section [GROUP], [GROUP:vars] or [GROUP:children]`, where(1));
      kind = section[2] ?? 'hosts';
      if (!['hosts', 'vars', 'children'].includes(kind)) throw new UserError(`[${section[1]}:${kind}]: a section is [GROUP], [GROUP:vars] or [GROUP:children]`, where(1));
      if (!GROUP_NAME.test(section[1]!)) throw new UserError(`[${section[1]}]: expected a group name (letters, digits, "_" "." "-")`, where(2));
      group = groupOf(tree, section[1]!, where(1));
      return;
    }
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw new UserError(`"${line}": expected KEY=VALUE in [${group.name}:vars]`, where(1));
      const key = line.slice(0, eq).trim();
      checkVarName(key, where(1));
      group.vars.set(key, { value: unquote(line.slice(eq + 1).trim()), where: where(1) });
    } else if (kind === 'children') {
      const child = line.split(/\s+/)[0]!;
      if (!GROUP_NAME.test(child)) throw new UserError(`"${child}": expected a group name in [${group.name}:children]`, where(1));
      groupOf(tree, child, where(1));
      group.children.set(child, where(1));
    } else {
      const { names, vars } = hostLine(line, where);
      for (const name of names) addHost(tree, group, name, where(1), vars);
    }
  });
  return tree;
}
