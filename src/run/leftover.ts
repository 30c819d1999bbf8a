import type { Facts } from '../facts/types.js';
import { shq } from '../shell/quote.js';
import { asRoot } from '../steps/render.js';
import { REAP_FUNCTIONS } from '../targets/reap.js';
import type { Target } from '../targets/target.js';
import type { JournalData, JournalStep } from './journal.js';

// How long stopping what a step left may take (the reap's grace, and the round trip).
const STOP_TIMEOUT_MS = 40_000;

// Shell that stops every process whose environment carries RIG_STEP=<mark>, and every other process of their sessions
// (TERM, a bounded wait, then KILL); it prints "stopped" when there was something to stop.
function stopScript(mark: string): string {
  const tag = shq(`RIG_STEP=${mark}`);
  return [REAP_FUNCTIONS, `[ -n "$(marked ${tag})" ] || exit 0`, `reap ${tag}`, 'echo stopped'].join('\n');
}

// Stop what the last run on this target left running (it died mid-step: kill -9, a lost connection), found by the mark
// its journal gave each step, before anything else runs there; returns the steps that were still running.
export async function stopLeftSteps(target: Target, previous: JournalData | undefined, facts: Facts): Promise<JournalStep[]> {
  const left = (previous?.steps ?? []).filter((s) => s.state === 'running' && s.mark);
  const stopped: JournalStep[] = [];
  for (const step of left) {
    const script = stopScript(step.mark!);
    const res = await target.exec(!facts.root && facts.sudo ? asRoot(script, facts, []) : script, { timeoutMs: STOP_TIMEOUT_MS });
    if (res.output.includes('stopped')) stopped.push(step);
  }
  return stopped;
}
