import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RenderedStep } from '../steps/types.js';
import { readBack } from '../read-back.js';
import { shq } from '../shell/quote.js';
import type { Target } from '../targets/target.js';

const journalStepSchema = z.strictObject({
  recipe: z.string(),
  index: z.number().int().nonnegative(),
  title: z.string(),
  hash: z.string(),
  state: z.enum(['running', 'done', 'skipped', 'failed', 'interrupted']),
  at: z.string(),
  // While it runs: the value of RIG_STEP in the environment of the step's processes, by which a later run finds
  // and stops them if this one dies (a pid or process group number alone could name another process by then).
  mark: z.string().optional(),
});

// One step of a run as the journal remembers it.
export type JournalStep = z.infer<typeof journalStepSchema>;

// The journal file kept on the target: the last run, and the steps done by recipes that have not finished yet.
export const journalSchema = z.strictObject({
  version: z.literal(1),
  target: z.string(),
  command: z.string(),
  started: z.string(),
  finished: z.string().optional(),
  outcome: z.enum(['running', 'ok', 'failed', 'interrupted']),
  steps: z.array(journalStepSchema),
  // Hash of a done step → the recipe it belongs to, kept until that recipe passes its check.
  pending: z.record(z.string(), z.string()),
  // Recipe → why its last run did not finish after its steps (its check or verify failed), kept until it does.
  unfinished: z.record(z.string(), z.string()).optional(),
});

// The journal kept on the target.
export type JournalData = z.infer<typeof journalSchema>;

// The hash that identifies a step across runs: its recipe, place, rendered command, guard and inputs.
export function stepHash(recipeId: string, index: number, step: RenderedStep): string {
  const inputs = JSON.stringify([recipeId, index, step.kind, step.script, step.guard ?? '', step.fetch?.url ?? '', step.fetch?.digest ?? step.fetch?.digestFrom ?? '']);
  return createHash('sha256').update(inputs).digest('hex').slice(0, 32);
}

// Shell that replaces the journal file atomically (a temp file, then a rename).
function journalWriteScript(path: string, data: JournalData): string {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return `mkdir -p ${shq(dir)} && printf '%s\\n' ${shq(JSON.stringify(data))} > ${shq(`${path}.tmp`)}.$$ && mv -f ${shq(`${path}.tmp`)}.$$ ${shq(path)}`;
}

// Read the journal from the target; a missing one is no journal, and one this rig does not write is set aside (renamed
// to .bad, so the next run starts afresh and nothing is lost), `onBad` told in one line.
export async function readJournal(target: Target, path: string, onBad: (line: string) => void): Promise<JournalData | undefined> {
  const res = await target.exec(`cat ${shq(path)} 2>/dev/null || true`);
  return journalFrom(res.output, target, path, onBad);
}

// The journal in `text`, as read from `path` on the target (by a probe, say); one this rig does not write is set aside.
export async function journalFrom(text: string, target: Target, path: string, onBad: (line: string) => void): Promise<JournalData | undefined> {
  if (!text.trim()) return undefined;
  const judged = readBack(text, journalSchema);
  if ('data' in judged) return judged.data;
  const moved = await target.exec(`mv -f ${shq(path)} ${shq(`${path}.bad`)}`);
  onBad(`${path}: not a journal this rig writes (${judged.why}); ${moved.code === 0 ? `set aside as ${path}.bad` : 'ignored'}`);
  return undefined;
}

// The journal of the run in progress: changed in memory, written to the target atomically.
export class Journal {
  constructor(readonly path: string, readonly data: JournalData) {}

  // A new run's journal; steps done by unfinished recipes of the previous run are carried over.
  static start(path: string, target: string, command: string, previous: JournalData | undefined): Journal {
    const unfinished = previous?.unfinished && Object.keys(previous.unfinished).length ? { unfinished: previous.unfinished } : {};
    return new Journal(path, { version: 1, target, command, started: new Date().toISOString(), outcome: 'running', steps: [], pending: previous?.pending ?? {}, ...unfinished });
  }

  // Was this step done by an earlier run whose recipe has not finished?
  doneBefore(hash: string): boolean {
    return hash in this.data.pending;
  }

  // Record a step's state (replacing its earlier state in this run).
  mark(recipe: string, index: number, title: string, hash: string, state: JournalStep['state'], mark?: string): void {
    const entry: JournalStep = { recipe, index, title, hash, state, at: new Date().toISOString(), ...(mark ? { mark } : {}) };
    const i = this.data.steps.findIndex((s) => s.hash === hash);
    if (i >= 0) this.data.steps[i] = entry;
    else this.data.steps.push(entry);
    if (state === 'done') this.data.pending[hash] = recipe;
  }

  // A recipe passed its check and verify: its steps no longer need remembering.
  finishRecipe(recipe: string): void {
    for (const [hash, r] of Object.entries(this.data.pending)) if (r === recipe) delete this.data.pending[hash];
    if (this.data.unfinished) delete this.data.unfinished[recipe];
    if (this.data.unfinished && !Object.keys(this.data.unfinished).length) delete this.data.unfinished;
  }

  // A recipe's steps ran but its check or verify failed: the next run must not take its check alone for done.
  unfinishRecipe(recipe: string, why: string): void {
    this.data.unfinished = { ...this.data.unfinished, [recipe]: why };
  }

  // End the run with an outcome.
  finish(outcome: JournalData['outcome']): void {
    this.data.outcome = outcome;
    this.data.finished = new Date().toISOString();
    for (const s of this.data.steps) if (s.state === 'running') s.state = outcome === 'interrupted' ? 'interrupted' : 'failed';
  }

  // Shell that writes the journal as it is now.
  script(): string {
    return journalWriteScript(this.path, this.data);
  }

  // Shell that writes the journal as it would be after `change`, leaving this one as it is.
  scriptAfter(change: (j: Journal) => void): string {
    const copy = new Journal(this.path, structuredClone(this.data));
    change(copy);
    return copy.script();
  }
}
