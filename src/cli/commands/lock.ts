import { resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { collectPins } from '../../lock/collect.js';
import { lockBox, lockRecipes, lockText } from '../../lock/lock-file.js';
import type { Lock } from '../../lock/schema.js';
import { describeStatus } from '../../report/describe.js';
import { shjoin } from '../../shell/quote.js';
import { writeWhole } from '../../write-whole.js';
import { one } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../session.js';

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

// rig lock: record what a box's recipes resolved to.
export const command: Command = {
  usage: `Usage: rig lock RECIPE… [-o FILE] [flags]

Record, read-only, what the recipes resolved to on the target as it is now (after rig apply):
the params and derived choices of each recipe and the box facts that chose them; the installed
version of every apt package their steps name; every distribution pip installed for each
interpreter or venv their pip steps use; each download's digest and each clone's commit, with
URLs as the recipes give them (not the mirror's). Every map is sorted and nothing in the file
is a time: the same box gives the same file. Refused (exit 1, naming them) when a recipe is
not satisfied on the target, or something cannot be pinned.

Flags:
  -o, --output FILE         where to write the lock (default rig.lock)
${PLAN_FLAGS_HELP.split('\n').filter((l) => !l.startsWith('  --facts')).join('\n')}`,
  flags: { ...PLAN_FLAGS, output: { type: 'string', short: 'o' } },
  async run(args) {
    if (args.values.facts !== undefined) throw new UserError('lock reads the target itself; --facts cannot stand in for it', '--facts');
    const file = resolve(one(args.values.output) ?? 'rig.lock');
    const session = await openSession(args, 'lock', true);
    try {
      const { plan, target } = session;
      const { statuses } = session.probe;
      const unsatisfied = plan.recipes.filter((r) => !['satisfied', 'skipped', 'stack'].includes(statuses.get(r.id)!.state));
      if (unsatisfied.length) {
        for (const r of unsatisfied) process.stderr.write(`rig: ${r.id} is not satisfied on ${target.name}: ${describeStatus(statuses.get(r.id)!)}\n`);
        process.stderr.write(`rig: nothing locked; apply first: rig apply ${shjoin(args.positionals)}\n`);
        return EXIT.FAILED;
      }
      const problems: string[] = [];
      const lock: Lock = { version: 1, request: plan.request.names, box: lockBox(plan.facts), recipes: lockRecipes(plan, new Map([...statuses].map(([id, s]) => [id, s.found]))), ...(await collectPins(plan, target, problems)) };
      if (problems.length) {
        for (const p of problems) process.stderr.write(`rig: ${p}\n`);
        process.stderr.write('rig: nothing locked\n');
        return EXIT.FAILED;
      }
      writeWhole(file, lockText(lock, `rig lock ${shjoin(args.positionals)} on ${target.name}`));
      process.stdout.write(`wrote ${file}: ${counts(lock)}\n`);
      return EXIT.OK;
    } finally {
      await session.target.close();
    }
  },
};
