import { collectPins } from '../lock/collect.js';
import { lockBox, lockRecipes, lockText } from '../lock/lock-file.js';
import type { Lock } from '../lock/schema.js';
import { describeStatus } from '../report/describe.js';
import { shjoin } from '../shell/quote.js';
import { writeWhole } from '../write-whole.js';
import type { Session } from './session.js';

// How much a lock holds, in words.
function counts(lock: Lock): string {
  const pip = Object.values(lock.pip ?? {});
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  return [
    n(Object.keys(lock.recipes).length, 'recipe'),
    n(Object.keys(lock.apt ?? {}).length, 'apt package'),
    `${n(pip.reduce((sum, d) => sum + Object.keys(d).length, 0), 'pip distribution')} in ${n(pip.length, 'interpreter')}`,
    n(Object.keys(lock.downloads ?? {}).length, 'download'),
    n(Object.keys(lock.git ?? {}).length, 'clone'),
  ].join(', ');
}

// What the session's recipes resolved to on its target, or (nothing locked) the lines saying why.
export async function lockOn(session: Session, positionals: string[]): Promise<{ lock: Lock } | { problems: string[] }> {
  const { plan, target } = session;
  const { statuses } = session.probe;
  const unsatisfied = plan.recipes.filter((r) => !['satisfied', 'skipped', 'stack'].includes(statuses.get(r.id)!.state));
  if (unsatisfied.length) return { problems: [...unsatisfied.map((r) => `${r.id} is not satisfied on ${target.name}: ${describeStatus(statuses.get(r.id)!)}`), `nothing locked; apply first: rig apply ${shjoin(positionals)}`] };
  const problems: string[] = [];
  const lock: Lock = { version: 1, request: plan.request.names, box: lockBox(plan.facts), recipes: lockRecipes(plan, new Map([...statuses].map(([id, s]) => [id, s.found]))), ...(await collectPins(plan, target, problems)) };
  return problems.length ? { problems: [...problems, 'nothing locked'] } : { lock };
}

// Write `lock` whole to `file`; the line saying so.
export function writeLock(file: string, lock: Lock, session: Session, positionals: string[]): string {
  writeWhole(file, lockText(lock, `rig lock ${shjoin(positionals)} on ${session.target.name}`));
  return `wrote ${file}: ${counts(lock)}`;
}

