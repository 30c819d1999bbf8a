import { describeStatus, MARK } from '../report/describe.js';
import { EXIT } from './exit-codes.js';
import { lockDrift } from './locked.js';
import { lockProblems } from '../lock/honour.js';
import type { Parsed } from './args.js';
import { openSession, type Session } from './session.js';

// How a session's target differs from its lock, recipe by recipe: the table, its JSON, and how many differences.
export async function lockedReport(session: Session): Promise<{ text: string; json: unknown; differs: number }> {
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
  const json = { target: target.name, lock: locked!.file, drifted: differs > 0, recipes: rows.map(({ id, ok, text }) => ({ id, ok, detail: text })), extra: drift.extra, problems, notes };
  const width = Math.max(...rows.map((r) => r.id.length));
  const out = [`rig doctor --locked ${locked!.file} on ${target.name}:`, '', ...rows.map((r) => `${r.ok ? MARK.satisfied : r.mark} ${r.id.padEnd(width)}  ${r.text}`)];
  for (const line of [...drift.extra, ...problems, ...notes]) out.push(`! ${line}`);
  out.push('', differs ? `${differs} difference${differs === 1 ? '' : 's'} from the lock` : 'the box is as the lock records');
  return { text: out.join('\n'), json, differs };
}

// rig doctor --locked FILE: how the target differs from the lock, recipe by recipe; exit 1 when it differs at all.
export async function doctorLocked(args: Parsed): Promise<number> {
  const session = await openSession(args, 'doctor', true);
  try {
    const { text, json, differs } = await lockedReport(session);
    process.stdout.write(args.values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
    return differs ? EXIT.FAILED : EXIT.OK;
  } finally {
    await session.target.close();
  }
}
