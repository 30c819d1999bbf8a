import { UserError } from '../errors.js';
import { limitHosts } from '../inventory/limit.js';
import { readInventory } from '../inventory/read.js';
import type { InventoryHost } from '../inventory/types.js';
import { one, type Flags, type Parsed } from './args.js';

// The flags that fan a command out over the hosts of an inventory.
export const FLEET_FLAGS: Flags = {
  inventory: { type: 'string', short: 'i' },
  limit: { type: 'string' },
  forks: { type: 'string' },
  'fail-fast': { type: 'boolean' },
};

// Help lines for the fleet flags.
export const FLEET_FLAGS_HELP = `  -i, --inventory FILE      run on every host of an inventory over ssh: rig's YAML, or Ansible's INI or YAML
                            (ansible_host, _port, _user, _ssh_private_key_file, _ssh_common_args, _become)
  --limit PATTERN           only these hosts: a host, a group, a glob, ~regex; a:b, a:&b, a:!b as Ansible's
  --forks N                 at most N hosts at a time (default 10)
  --fail-fast               stop every host once one fails (default: the others go on)`;

const NOT_WITH_INVENTORY = ['target', 'keep', 'commit', 'engine', 'facts'];

// The hosts of -i FILE that --limit picks, and how many to run at once; flags that name one target are refused beside it.
export function fleetHosts(args: Parsed): { hosts: InventoryHost[]; forks: number } {
  const file = one(args.values.inventory)!;
  const clash = NOT_WITH_INVENTORY.find((f) => args.values[f] !== undefined);
  if (clash) throw new UserError(`--${clash} names one target; with -i ${file} every host of the inventory is one (use --limit to pick some)`, `--${clash}`);
  const forksText = one(args.values.forks) ?? '10';
  if (!/^[1-9]\d{0,3}$/.test(forksText)) throw new UserError(`--forks ${forksText}: expected a whole number from 1`, '--forks');
  const all = readInventory(file);
  const limit = one(args.values.limit);
  return { hosts: limit === undefined ? all : limitHosts(all, limit), forks: Number(forksText) };
}

// --limit, --forks or --fail-fast given without -i.
export function refuseFleetFlagsAlone(args: Parsed): void {
  const lone = ['limit', 'forks', 'fail-fast'].find((f) => args.values[f] !== undefined);
  if (lone) throw new UserError(`--${lone} needs -i INVENTORY`, `--${lone}`);
}
