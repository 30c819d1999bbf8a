import { describeFacts } from '../../facts/parse.js';
import { gatherFacts } from '../../facts/gather.js';
import { readJournal, type JournalData, type JournalStep } from '../../run/journal.js';
import { lockHeld, lockPath } from '../../run/lock.js';
import type { Target } from '../../targets/target.js';
import { openArgsTarget } from '../args-target.js';
import type { Command } from '../command.js';
import { READ_FLEET_FLAGS, READ_FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';

const MARKS: Record<JournalStep['state'], string> = { done: '✓', skipped: '·', running: '…', failed: '✗', interrupted: '!' };

// The last run on `target`, from its journal, and the lines that tell it (`warn` gets what is wrong with the journal).
async function lastRun(target: Target, warn: (line: string) => void): Promise<{ journal: JournalData | undefined; text: string }> {
  const facts = await gatherFacts(target);
  const journal = await readJournal(target, `${facts.stateDir}/journal.json`, warn);
  if (!journal) return { journal, text: `No rig apply has run on ${target.name} (${describeFacts(facts)}).` };
  // A journal that says running while no rig holds the target's lock was left by a rig that died (kill -9, power).
  const dead = journal.outcome === 'running' && !lockHeld(lockPath(target.lockKey, facts));
  const outcome = dead ? 'stopped before it finished (the rig that ran it is gone)' : journal.outcome;
  const out = [`Last run on ${journal.target}: rig ${journal.command}`, `  started ${journal.started}${journal.finished ? `, finished ${journal.finished}` : ''}: ${outcome}`];
  for (const s of journal.steps) out.push(`  ${MARKS[s.state]} ${s.recipe} [${s.index + 1}] ${s.title}: ${dead && s.state === 'running' ? 'left running (the next apply stops it first)' : s.state}`);
  if (journal.outcome !== 'ok' && (journal.outcome !== 'running' || dead)) out.push(`Run the same command again to resume: rig ${journal.command}`);
  return { journal, text: out.join('\n') };
}

// rig status: the last run on a target, from its journal.
export const command: Command = {
  usage: `Usage: rig status [--json] [--target TARGET | -i INVENTORY]

Show the last rig apply on the target, from the journal rig keeps there: the command,
when it ran, how it ended (ok, failed, interrupted, or still running), and each step.
After a failure or an interruption, running the same command again resumes: steps
already done are not repeated. With -i, each host's under its name (--json: an object
by host name, null for a host not reached); exit 1 when a host could not be reached.

Flags:
  --json                    print the journal as JSON
  --target TARGET           where to read: local (default), container:NAME, ssh:[USER@]HOST[:PORT]
${READ_FLEET_FLAGS_HELP}`,
  flags: { json: { type: 'boolean' }, target: { type: 'string' }, ...READ_FLEET_FLAGS },
  async run(args) {
    if (args.values.inventory !== undefined) {
      const { onHostTarget, readFleet } = await import('../fleet-read.js');
      return readFleet(args, (h) => onHostTarget(h, async (target) => {
        const { journal, text } = await lastRun(target, (line) => process.stderr.write(`rig: ${h.name}: ${line}\n`));
        return { text, json: { target: target.name, journal: journal ?? null } };
      }));
    }
    refuseFleetFlagsAlone(args);
    const target = await openArgsTarget(args);
    try {
      const { journal, text } = await lastRun(target, (line) => process.stderr.write(`rig: ${line}\n`));
      process.stdout.write(args.values.json ? `${JSON.stringify(journal ?? null, null, 2)}\n` : `${text}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
