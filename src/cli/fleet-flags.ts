import { UserError } from '../errors.js';
import { limitHosts } from '../inventory/limit.js';
import { readInventory } from '../inventory/read.js';
import type { InventoryHost } from '../inventory/types.js';
import { one, type Flags, type Parsed } from './args.js';
import { becomePassword } from './become-pass.js';

// The flags that fan a command out over the hosts of an inventory.
export const FLEET_FLAGS: Flags = {
  inventory: { type: 'string', short: 'i' },
  limit: { type: 'string' },
  forks: { type: 'string' },
  'fail-fast': { type: 'boolean' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
};

// Help lines for the fleet flags.
export const FLEET_FLAGS_HELP = `  -i, --inventory FILE      run on every host of an inventory over ssh: rig's YAML, or Ansible's INI or YAML
                            (ansible_host, _port, _user, _ssh_private_key_file, _ssh_common_args, _become)
  --limit PATTERN           only these hosts: a host, a group, a glob, ~regex; a:b, a:&b, a:!b as Ansible's
  --forks N                 at most N hosts at a time (default 10)
  --fail-fast               stop every host once one fails (default: the others go on)
  -K, --ask-become-pass     ask once for the password sudo wants on the ssh hosts (not echoed; the first line of
                            stdin when it is not a terminal); it goes to sudo inside each script, never on a command line`;

// The fleet flags of a command that changes nothing (every host is read; none stops the others).
export const READ_FLEET_FLAGS: Flags = Object.fromEntries(Object.entries(FLEET_FLAGS).filter(([name]) => name !== 'fail-fast'));

// Help lines for the fleet flags of a command that changes nothing.
export const READ_FLEET_FLAGS_HELP = FLEET_FLAGS_HELP.split('\n').filter((l) => !l.includes('--fail-fast')).join('\n');

const NOT_WITH_INVENTORY = ['target', 'keep', 'commit', 'engine', 'facts'];

// The hosts of -i FILE that --limit picks (with the password of --ask-become-pass, asked once), and how many to run at
// once; flags that name one target are refused beside it.
export async function fleetHosts(args: Parsed): Promise<{ hosts: InventoryHost[]; forks: number }> {
  const file = one(args.values.inventory)!;
  const clash = NOT_WITH_INVENTORY.find((f) => args.values[f] !== undefined);
  if (clash) throw new UserError(`--${clash} names one target; with -i ${file} every host of the inventory is one (use --limit to pick some)`, `--${clash}`);
  const forksText = one(args.values.forks) ?? '10';
  if (!/^[1-9]\d{0,3}$/.test(forksText)) throw new UserError(`--forks ${forksText}: expected a whole number from 1`, '--forks');
  const all = readInventory(file);
  const limit = one(args.values.limit);
  const hosts = limit === undefined ? all : limitHosts(all, limit);
  const password = await becomePassword(args);
  return { hosts: password === undefined ? hosts : hosts.map((h) => ({ ...h, becomePassword: password })), forks: Number(forksText) };
}

// --limit, --forks or --fail-fast given without -i.
export function refuseFleetFlagsAlone(args: Parsed): void {
  const lone = ['limit', 'forks', 'fail-fast'].find((f) => args.values[f] !== undefined);
  if (lone) throw new UserError(`--${lone} needs -i INVENTORY`, `--${lone}`);
}
