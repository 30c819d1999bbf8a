import type { Facts } from '../facts/types.js';
import { shq } from '../shell/quote.js';
import { asRoot } from '../steps/render.js';
import type { Target } from '../targets/target.js';
import type { JournalData, JournalStep } from './journal.js';

// Seconds a step left running has to end after SIGTERM before it gets SIGKILL.
const GRACE_S = 10;

// Shell that stops every process whose environment carries RIG_STEP=<mark>: TERM, a bounded wait, then KILL; it prints
// "stopped" when there was something to stop.
function stopScript(mark: string): string {
  const find = `for d in /proc/[0-9]*; do grep -qzx ${shq(`RIG_STEP=${mark}`)} "$d/environ" 2>/dev/null && echo "\${d#/proc/}"; done`;
  return [
    `rig_left() { ${find}; }`,
    'rig_pids=$(rig_left); [ -n "$rig_pids" ] || exit 0',
    'kill -TERM $rig_pids 2>/dev/null || true',
    `for rig_i in $(seq ${GRACE_S * 5}); do [ -n "$(rig_left)" ] || { echo stopped; exit 0; }; sleep 0.2; done`,
    'kill -KILL $(rig_left) 2>/dev/null || true',
    'echo stopped',
  ].join('\n');
}

// Stop what the last run on this target left running (it died mid-step: kill -9, a lost connection), found by the mark
// its journal gave each step, before anything else runs there; returns the steps that were still running.
export async function stopLeftSteps(target: Target, previous: JournalData | undefined, facts: Facts): Promise<JournalStep[]> {
  const left = (previous?.steps ?? []).filter((s) => s.state === 'running' && s.mark);
  const stopped: JournalStep[] = [];
  for (const step of left) {
    const script = stopScript(step.mark!);
    const res = await target.exec(!facts.root && facts.sudo ? asRoot(script, facts, []) : script, { timeoutMs: (GRACE_S + 30) * 1000 });
    if (res.output.includes('stopped')) stopped.push(step);
  }
  return stopped;
}
