import type { ParamSet } from '../plan/params.js';
import type { SshDestination } from '../targets/ssh-spec.js';

// One host of an inventory: its name, the groups it is in, how to reach it, and the params it gets.
export interface InventoryHost {
  name: string;
  groups: string[];
  ssh: SshDestination;
  // ansible_become: false means root steps are refused instead of going through sudo.
  become?: boolean;
  // recipe.param=value from the inventory, lowest precedence first (all, then parent groups, children, the host).
  sets: ParamSet[];
  // The sudo password of --ask-become-pass.
  becomePassword?: string;
}
