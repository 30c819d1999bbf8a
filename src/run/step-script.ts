import type { RenderedStep } from '../steps/types.js';

// What a step's run prints around its own output, so that one round trip answers three questions: was the step's
// guard already holding, did it run, and (for a recipe's last step) what does the recipe's check say right after it.
export interface StepScript {
  script: string;
  // The marker printed first when the guard held (the step did nothing).
  held: string;
  // The marker between the step's output and the check's.
  checkMark: string;
}

// The script of one step run: the journal's bookkeeping, the step (skipped when its guard holds), then `check` when given.
export function stepScript(step: RenderedStep, hash: string, journal: { before: string; after: string }, check?: { prelude: string; script: string }): StepScript {
  const held = `@@rig-guard-held-${hash}`;
  const checkMark = `@@rig-check-${hash}`;
  const body = step.guard && !step.fetch ? `if ( ${step.guard} ) >/dev/null 2>&1; then echo ${held}; exit 0; fi\n${step.script}` : step.script;
  const after = check ? `\nprintf '\\n%s\\n' ${checkMark}\nrig_rc=0\n( set +eu\n${check.prelude}\n${check.script}\n) 2>&1 || rig_rc=$?\nprintf '%s %s\\n' ${checkMark} "$rig_rc"` : '';
  return { script: `${journal.before}\n( ${body}\n)\n${journal.after}${after}`, held, checkMark };
}

// The check's exit code and output from what followed the check marker, if the check ran.
export function checkAfterStep(rest: string | undefined, checkMark: string): { code: number; output: string } | undefined {
  const checked = new RegExp(`^\\n${checkMark}\\n([\\s\\S]*?)${checkMark} (\\d+)\\n?$`).exec(rest ?? '');
  return checked ? { code: Number(checked[2]), output: checked[1]! } : undefined;
}
