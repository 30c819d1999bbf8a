import { podman } from '../e2e/podman.js';
import { rigOnce, type RigEvent } from './rig-run.js';
import type { Site } from './site.js';

// Judging a box after a fault and a re-run: by what it has (rig's own plan of it, dpkg, pip, the file, the checkout)
// and by what the re-run did again that the journal said was done.

// Where the fault stack installs what the judge looks at (tests/fixtures/fault-recipes/).
const VENV = '/opt/fault-venv';
const PAYLOAD = '/opt/fault/payload.bin';
const REPO = '/opt/fault/repo';

// States of `rig plan --json` in which a recipe still needs its steps (src/run/status.ts needsWork), or cannot run.
const NOT_DONE = new Set(['missing', 'wrong', 'unchecked', 'blocked']);

// One step as the journal on the target remembers it (`rig status --json`).
export interface JournalStep {
  recipe: string;
  index: number;
  title: string;
  state: string;
}

// The journal on the target (`rig status --json`): the last run's outcome and steps; null when there is none.
export interface JournalView {
  outcome: string;
  steps: JournalStep[];
}

// rig ARGS against container `name`, with RIG_STATE_DIR `state`.
export function rigOn(args: string[], name: string, state: string) {
  return rigOnce([...args, '--target', `container:${name}`], state);
}

// The journal rig keeps in container `name`, read by `rig status --json`; a problem's text when it cannot be read.
export async function journalOf(name: string, state: string): Promise<JournalView | null | string> {
  const res = await rigOn(['status', '--json'], name, state);
  if (res.code !== 0) return `rig status failed (exit ${res.code}): ${res.stderr.trim().split('\n').at(-1)}`;
  try {
    return JSON.parse(res.stdout) as JournalView | null;
  } catch {
    return `rig status --json printed no JSON: ${res.stdout.slice(0, 200)}`;
  }
}

// The steps the journal says were done that the re-run (its events) ran again: started and then done, not skipped.
export function repeatedSteps(journal: JournalView | null, rerun: RigEvent[]): string[] {
  const done = new Set((journal?.steps ?? []).filter((s) => s.state === 'done').map((s) => `${s.recipe}[${s.index}]`));
  const ran = rerun.filter((e) => e.type === 'step-done').map((e) => ({ key: `${e.id}[${e.step}]`, title: String(e.title) }));
  return ran.filter((r) => done.has(r.key)).map((r) => `${r.key} ${r.title}`);
}

async function exec(name: string, script: string): Promise<{ code: number; out: string }> {
  return podman(['exec', name, 'bash', '-c', script]);
}

const firstLines = (text: string, n = 4) => text.trim().split('\n').slice(0, n).join(' | ');

// What is wrong with the box in container `name` after the re-run; empty when it is as a good run leaves it.
export async function judgeBox(name: string, state: string, recipeArgs: string[], site: Site): Promise<string[]> {
  const problems: string[] = [];
  const plan = await rigOn(['plan', ...recipeArgs, '--json'], name, state);
  try {
    const recipes = (JSON.parse(plan.stdout) as { recipes: { id: string; status: { state: string; detail: string } }[] }).recipes;
    for (const r of recipes) if (NOT_DONE.has(r.status.state)) problems.push(`rig plan: ${r.id} ${r.status.state} (${r.status.detail})`);
  } catch {
    problems.push(`rig plan failed (exit ${plan.code}): ${firstLines(plan.stderr || plan.stdout)}`);
  }
  const audit = await exec(name, 'dpkg --audit 2>&1');
  if (audit.code !== 0 || audit.out.trim()) problems.push(`dpkg --audit (exit ${audit.code}): ${firstLines(audit.out)}`);
  const locks = await exec(name, 'ls -A /var/lib/dpkg/updates');
  if (locks.out.trim()) problems.push(`dpkg left updates pending in /var/lib/dpkg/updates: ${firstLines(locks.out)}`);
  const pip = await exec(name, `${VENV}/bin/python -m pip check 2>&1`);
  if (pip.code !== 0) problems.push(`pip check in ${VENV} (exit ${pip.code}): ${firstLines(pip.out)}`);
  const sum = await exec(name, `sha256sum ${PAYLOAD} 2>&1`);
  if (sum.out.split(' ')[0] !== site.payloadSha256) problems.push(`${PAYLOAD}: ${sum.code === 0 ? `sha256 ${sum.out.split(' ')[0]}, not ${site.payloadSha256}` : firstLines(sum.out)}`);
  const head = await exec(name, `git -C ${REPO} rev-parse HEAD 2>&1 && git -C ${REPO} status --porcelain 2>&1`);
  const [commit, ...dirty] = head.out.trim().split('\n');
  if (head.code !== 0 || commit !== site.refCommit) problems.push(`${REPO}: HEAD ${head.code === 0 ? `${commit}, not v1 (${site.refCommit})` : `unreadable: ${firstLines(head.out)}`}`);
  else if (dirty.length) problems.push(`${REPO}: the checkout has changes: ${firstLines(dirty.join('\n'))}`);
  return problems;
}
