import type { Facts } from '../facts/types.js';
import { shq } from '../shell/quote.js';

// Shell that loads the profile files rig's env steps wrote, so every command sees their PATH and variables.
export function envPrelude(facts: Facts): string {
  return `for rig_env in ${shq(facts.envDir)}/rig-*.sh; do [ -r "$rig_env" ] && . "$rig_env"; done; unset rig_env`;
}
