import { createHash } from 'node:crypto';
import type { RenderedStep } from '../steps/types.js';
import { shq } from '../shell/quote.js';
import type { Target } from '../targets/target.js';

// One step of a run as the journal remembers it.
export interface JournalStep {
  recipe: string;
  index: number;
  title: string;
  hash: string;
  state: 'running' | 'done' | 'skipped' | 'failed' | 'interrupted';
  at: string;
}

// The journal kept on the target: the last run, and the steps done by recipes that have not finished yet.
export interface JournalData {
  version: 1;
  target: string;
  command: string;
  started: string;
  finished?: string;
  outcome: 'running' | 'ok' | 'failed' | 'interrupted';
  steps: JournalStep[];
  // Hash of a done step → the recipe it belongs to, kept until that recipe passes its check.
  pending: Record<string, string>;
}

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

// Read the journal from the target; a missing or unreadable one is no journal.
export async function readJournal(target: Target, path: string): Promise<JournalData | undefined> {
  const res = await target.exec(`cat ${shq(path)} 2>/dev/null || true`);
  try {
    const data = JSON.parse(res.output) as JournalData;
    return data.version === 1 ? data : undefined;
  } catch {
    return undefined;
  }
}

// The journal of the run in progress: changed in memory, written to the target atomically.
export class Journal {
  constructor(readonly path: string, readonly data: JournalData) {}

  // A new run's journal; steps done by unfinished recipes of the previous run are carried over.
  static start(path: string, target: string, command: string, previous: JournalData | undefined): Journal {
    return new Journal(path, { version: 1, target, command, started: new Date().toISOString(), outcome: 'running', steps: [], pending: previous?.pending ?? {} });
  }

  // Was this step done by an earlier run whose recipe has not finished?
  doneBefore(hash: string): boolean {
    return hash in this.data.pending;
  }

  // Record a step's state (replacing its earlier state in this run).
  mark(recipe: string, index: number, title: string, hash: string, state: JournalStep['state']): void {
    const entry: JournalStep = { recipe, index, title, hash, state, at: new Date().toISOString() };
    const i = this.data.steps.findIndex((s) => s.hash === hash);
    if (i >= 0) this.data.steps[i] = entry;
    else this.data.steps.push(entry);
    if (state === 'done') this.data.pending[hash] = recipe;
  }

  // A recipe passed its check: its steps no longer need remembering.
  finishRecipe(recipe: string): void {
    for (const [hash, r] of Object.entries(this.data.pending)) if (r === recipe) delete this.data.pending[hash];
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
