import { extname } from 'node:path';
import { UserError } from '../errors.js';
import { MAX_FILE_BYTES, readRegularFile } from '../read-file.js';
import { parseYaml, type ParsedYaml } from '../yaml/parse-yaml.js';
import { readAnsibleIni } from './ansible-ini.js';
import { readAnsibleYaml } from './ansible-yaml.js';
import { resolveHosts } from './resolve.js';
import { readRigYaml } from './rig-yaml.js';
import type { InventoryTree } from './tree.js';
import type { InventoryHost } from './types.js';

const RIG_KEYS = new Set(['hosts', 'groups', 'params', 'user', 'key', 'options', 'become']);

// YAML text as a mapping, or undefined when it is not YAML or not a mapping (an INI file read as YAML is neither).
function yamlMapping(text: string, file: string): ParsedYaml | undefined {
  try {
    const parsed = parseYaml(text, file, MAX_FILE_BYTES);
    return parsed.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// rig's own YAML has hosts: at the top; Ansible's has groups there (all:, or any group of its own).
function yamlTree(parsed: ParsedYaml): InventoryTree {
  const keys = Object.keys(parsed.data as object);
  return keys.includes('hosts') && keys.every((k) => RIG_KEYS.has(k)) ? readRigYaml(parsed.data, parsed.positions) : readAnsibleYaml(parsed.data, parsed.positions);
}

// The hosts of the inventory FILE (-i): rig's YAML, Ansible's YAML (.yaml, .yml, .json, or YAML text) or Ansible's INI.
export function readInventory(file: string): InventoryHost[] {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (err) {
    throw new UserError(`-i ${file}: cannot read the inventory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, '-i');
  }
  const yaml = ['.yaml', '.yml', '.json'].includes(extname(file).toLowerCase());
  const parsed = yaml ? parseYaml(text, file, MAX_FILE_BYTES) : ['.ini', '.cfg'].includes(extname(file).toLowerCase()) ? undefined : yamlMapping(text, file);
  const hosts = resolveHosts(parsed ? yamlTree(parsed) : readAnsibleIni(text, file));
  if (!hosts.length) throw new UserError(`-i ${file}: the inventory names no host`, '-i');
  return hosts;
}
