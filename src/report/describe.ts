import type { RecipeStatus } from '../run/status.js';

// The one-character mark for a recipe state.
export const MARK: Record<RecipeStatus['state'], string> = {
  satisfied: '✓',
  missing: '+',
  wrong: '~',
  skipped: '-',
  unchecked: '?',
  stack: '·',
  blocked: '✗',
};

// "satisfied: found 3.25.1, wants >=3.20" and the like; a missing recipe's detail alone when it says why ("not
// installed (…)", "found 15.18; service postgresql: not running").
export function describeStatus(status: RecipeStatus): string {
  const word = { satisfied: 'satisfied', missing: 'missing', wrong: 'wrong version', skipped: 'skipped', unchecked: 'unchecked', stack: 'stack', blocked: 'blocked' }[status.state];
  if (status.state === 'stack') return status.detail;
  if (status.state === 'missing' && (status.detail.startsWith('not installed') || status.service?.running === false)) return status.detail;
  return `${word}: ${status.detail}`;
}

// "installed, found 3.25.1" after steps ran (or just "installed").
export function installedText(detail: string): string {
  return detail === 'installed' || detail === 'done' ? 'installed' : `installed, ${detail}`;
}
