import { describeStatus, MARK } from '../report/describe.js';
import { EXIT } from './exit-codes.js';
import { lockDrift } from './locked.js';
import { lockProblems } from '../lock/honour.js';
import type { Parsed } from './args.js';
import { openSession } from './session.js';

// rig doctor --locked FILE: how the target differs from the lock, recipe by recipe; exit 1 when it differs at all.
export async function doctorLocked(args: Parsed): Promise<number> {
  const session = await openSession(args, 'doctor', true);
  try {
    const { plan, target, locked } = session;
    const notes: string[] = [];
    const problems = await lockProblems(plan, locked!.lock, target, false, notes);
    const drift = await lockDrift(locked!, plan, target, session.probe.statuses);
    const rows = plan.recipes.map((r) => {
      const status = session.probe.statuses.get(r.id)!;
      const lines = drift.byRecipe.get(r.id) ?? [];
      const ok = !lines.length && ['satisfied', 'skipped', 'stack'].includes(status.state);
      return { id: r.id, ok, text: lines.length ? `not as locked: ${lines.join('; ')}` : ok ? 'as locked' : describeStatus(status), mark: lines.length ? MARK.wrong : MARK[status.state] };
    });
    const differs = problems.length + drift.extra.length + rows.filter((r) => !r.ok).length;
    if (args.values.json) {
      process.stdout.write(`${JSON.stringify({ target: target.name, lock: locked!.file, drifted: differs > 0, recipes: rows.map(({ id, ok, text }) => ({ id, ok, detail: text })), extra: drift.extra, problems, notes }, null, 2)}\n`);
    } else {
      const width = Math.max(...rows.map((r) => r.id.length));
      const out = [`rig doctor --locked ${locked!.file} on ${target.name}:`, '', ...rows.map((r) => `${r.ok ? MARK.satisfied : r.mark} ${r.id.padEnd(width)}  ${r.text}`)];
      for (const line of [...drift.extra, ...problems, ...notes]) out.push(`! ${line}`);
      out.push('', differs ? `${differs} difference${differs === 1 ? '' : 's'} from the lock` : 'the box is as the lock records');
      process.stdout.write(`${out.join('\n')}\n`);
    }
    return differs ? EXIT.FAILED : EXIT.OK;
  } finally {
    await session.target.close();
  }
}
