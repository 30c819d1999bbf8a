import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, UserErrors } from '../errors.js';
import { readBoxPins } from '../lock/collect.js';
import { driftOf, type Drift } from '../lock/drift.js';
import { lockProblems } from '../lock/honour.js';
import { lockedPins } from '../lock/pinned.js';
import { readLock } from '../lock/read-lock.js';
import type { Lock } from '../lock/schema.js';
import type { ParamSet } from '../plan/params.js';
import type { Plan } from '../plan/types.js';
import type { LockedPins } from '../steps/types.js';
import type { RecipeStatus } from '../run/status.js';
import type { Target } from '../targets/target.js';
import { one, type Parsed } from './args.js';

// The --locked flag, for plan, apply, doctor and export.
export const LOCKED_FLAG = { locked: { type: 'string' } } as const;

// Its help line.
export const LOCKED_FLAG_HELP = `  --locked FILE             pin every apt, pip, git and download step to what a lock file (rig lock) records;
                            refused (exit 2, nothing changed) when it cannot be replayed here; with no RECIPE,
                            the lock's own recipes and params; with -i, a folder of rig lock -i gives each host
                            its own DIR/HOST.lock`;

// A lock given with --locked, and what the request takes from it.
export interface LockedRequest {
  file: string;
  lock: Lock;
  pins: LockedPins;
  // The recipes to plan: those named, or the lock's own request when none are.
  names: string[];
  // The params the lock records of each recipe it was asked for by name, as --set flags (when no recipe is named).
  sets: ParamSet[];
}

const folderOf = new WeakMap<Parsed, boolean>();
const requestsOf = new WeakMap<Parsed, Map<string, LockedRequest>>();

// Whether --locked names a folder: the locks rig lock -i wrote, one HOST.lock for each host (looked at once per
// command line).
export function lockedFolder(args: Parsed): boolean {
  let folder = folderOf.get(args);
  if (folder === undefined) {
    const path = one(args.values.locked);
    folder = path !== undefined && statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
    folderOf.set(args, folder);
  }
  return folder;
}

// The lock of --locked FILE and the request it makes, or undefined without the flag; for the inventory host `host`,
// --locked DIR is DIR/HOST.lock. Each lock is read once per command line, however many hosts it is for.
export function lockedRequest(args: Parsed, host?: string): LockedRequest | undefined {
  let file = one(args.values.locked);
  if (file === undefined) return undefined;
  if (lockedFolder(args)) {
    if (host === undefined) throw new UserError(`--locked ${file} is a folder: the host locks of rig lock -i, read with -i INVENTORY; name a lock file`, '--locked');
    file = join(file, `${host}.lock`);
  }
  const requests = requestsOf.get(args) ?? new Map<string, LockedRequest>();
  requestsOf.set(args, requests);
  const known = requests.get(file);
  if (known) return known;
  const lock = readLock(file);
  const named = args.positionals.length > 0;
  const sets = named ? [] : Object.entries(lock.recipes).filter(([id]) => !id.includes('(')).flatMap(([recipe, r]) =>
    Object.entries(r.params ?? {}).map(([param, value]) => ({ recipe, param, value: String(value), flag: `--locked ${file} (${recipe}.${param})` })));
  const request = { file, lock, pins: lockedPins(lock), names: named ? args.positionals : lock.request, sets };
  requests.set(file, request);
  return request;
}

// Refuse, before anything changes, a plan the lock cannot be replayed as (exit 2, a line for each reason); with a
// target, also what the target's archive and the indexes cannot give (its empty package lists refreshed when `refresh`).
export async function enforceLock(locked: LockedRequest, plan: Plan, target: Target | undefined, refresh: boolean): Promise<void> {
  const notes: string[] = [];
  const problems = await lockProblems(plan, locked.lock, target, refresh, notes);
  for (const note of notes) process.stderr.write(`rig: --locked ${locked.file}: ${note}\n`);
  if (!problems.length) return;
  const head = new UserError(`the lock cannot be replayed${target ? ` on ${target.name}` : ''}; nothing was changed:`, `--locked ${locked.file}`);
  throw new UserErrors([head, ...problems.map((p) => new UserError(`  ${p}`))]);
}

// How the target differs from the lock, for the plan's recipes.
export async function lockDrift(locked: LockedRequest, plan: Plan, target: Target, statuses: ReadonlyMap<string, RecipeStatus>): Promise<Drift> {
  return driftOf(plan, locked.lock, await readBoxPins(plan, target), new Map([...statuses].map(([id, s]) => [id, s.found])));
}
