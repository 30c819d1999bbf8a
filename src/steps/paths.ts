import { posix } from 'node:path';
import { UserError } from '../errors.js';
import type { Facts } from '../facts/types.js';

// Expand "~" to the target's home and insist on an absolute, normalized path.
export function targetPath(path: string, facts: Facts): string {
  const expanded = path === '~' || path.startsWith('~/') ? facts.home + path.slice(1) : path;
  if (!posix.isAbsolute(expanded)) throw new UserError(`path "${path}" must be absolute (or start with ~/)`);
  if (expanded.split('/').includes('..')) throw new UserError(`path "${path}" must not contain ".."`);
  return posix.normalize(expanded);
}

// Does writing this path need root on the target?
export function pathNeedsRoot(path: string, facts: Facts): boolean {
  if (facts.root) return false;
  const inside = (dir: string) => dir !== '' && (path === dir || path.startsWith(`${dir.replace(/\/$/, '')}/`));
  return !(inside(facts.home) || inside('/tmp') || inside(facts.envDir) || inside(facts.stateDir));
}
