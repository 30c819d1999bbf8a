import { UserError } from '../errors.js';
import { parseSet } from '../plan/params.js';
import { many, type Parsed } from './args.js';
import { lockedFolder, lockedRequest } from './locked.js';
import { openCatalog } from './session.js';

// Refuse, once for every host, a request no host could plan: no recipe named, an unknown recipe, a malformed --set.
export function checkRequest(args: Parsed, verb: string): void {
  for (const set of many(args.values.set)) parseSet(set);
  // Each host's own lock (--locked DIR) names its request; a host whose lock cannot be read fails on its own.
  if (lockedFolder(args) && !args.positionals.length) return;
  const names = lockedFolder(args) ? args.positionals : lockedRequest(args)?.names ?? args.positionals;
  if (names.length === 0) throw new UserError(`${verb} needs at least one recipe name; rig list shows them`);
  const catalog = openCatalog(args);
  for (const name of names) catalog.get(name);
}
