import { describeFacts } from '../../facts/parse.js';
import { gatherFacts } from '../../facts/gather.js';
import { readJournal, type JournalStep } from '../../run/journal.js';
import { lockHeld, lockPath } from '../../run/lock.js';
import { openTarget } from '../../targets/select.js';
import { one } from '../args.js';
import type { Command } from '../command.js';

const MARKS: Record<JournalStep['state'], string> = { done: '✓', skipped: '·', running: '…', failed: '✗', interrupted: '!' };

// rig status: the last run on a target, from its journal.
export const command: Command = {
  usage: `Usage: rig status [--json] [--target TARGET]

Show the last rig apply on the target, from the journal rig keeps there: the command,
when it ran, how it ended (ok, failed, interrupted, or still running), and each step.
After a failure or an interruption, running the same command again resumes: steps
already done are not repeated.`,
  flags: { json: { type: 'boolean' }, target: { type: 'string' } },
  async run(args) {
    const target = await openTarget(one(args.values.target));
    try {
      const facts = await gatherFacts(target);
      const journal = await readJournal(target, `${facts.stateDir}/journal.json`, (line) => process.stderr.write(`rig: ${line}\n`));
      if (args.values.json) {
        process.stdout.write(`${JSON.stringify(journal ?? null, null, 2)}\n`);
        return 0;
      }
      if (!journal) {
        process.stdout.write(`No rig apply has run on ${target.name} (${describeFacts(facts)}).\n`);
        return 0;
      }
      // A journal that says running while no rig holds the target's lock was left by a rig that died (kill -9, power).
      const dead = journal.outcome === 'running' && !lockHeld(lockPath(target.lockKey, facts));
      const outcome = dead ? 'stopped before it finished (the rig that ran it is gone)' : journal.outcome;
      const out = [`Last run on ${journal.target}: rig ${journal.command}`, `  started ${journal.started}${journal.finished ? `, finished ${journal.finished}` : ''}: ${outcome}`];
      for (const s of journal.steps) out.push(`  ${MARKS[s.state]} ${s.recipe} [${s.index + 1}] ${s.title}: ${dead && s.state === 'running' ? 'left running (the next apply stops it first)' : s.state}`);
      if (journal.outcome !== 'ok' && (journal.outcome !== 'running' || dead)) out.push(`Run the same command again to resume: rig ${journal.command}`);
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
