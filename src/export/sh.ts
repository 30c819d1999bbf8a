import { describeFacts } from '../facts/parse.js';
import type { Plan } from '../plan/types.js';
import { envPrelude } from '../steps/prelude.js';
import { oneLine } from './comment.js';
import { exportProgram, unitHelpers, unitLines } from './unit-script.js';

// A standalone bash script of a plan: every step behind the same guard rig uses; secrets read from the environment.
export function exportSh(plan: Plan, version: string, argv: string): string {
  const prelude = envPrelude(plan.facts);
  const out = [
    '#!/usr/bin/env bash',
    `# Written by rig ${version}: rig ${oneLine(argv)}`,
    `# Rendered for: ${oneLine(describeFacts(plan.facts))}`,
    '# Each step runs only when its guard says it is not done yet, so running this again is safe.',
    'set -euo pipefail',
  ];
  const secrets = [...new Set(plan.recipes.filter((r) => !r.skip).flatMap((r) => r.secretEnvs))];
  for (const env of secrets) out.push(`: "\${${env}:?set ${env} (a secret param) in the environment}"`);
  const units = exportProgram(plan);
  out.push(prelude, ...unitHelpers(units));
  for (const unit of units) {
    for (const r of unit.recipes) out.push('', `# ── ${oneLine(`${r.id}: ${r.summary}`)}`);
    const [only] = unit.recipes;
    if (only!.skip) out.push(`# skipped: ${oneLine(only!.skip)}`);
    else if (!unit.work) out.push('# (a stack: nothing of its own to run)');
    else out.push(...unitLines(unit, prelude));
  }
  out.push('', 'echo "==> done"', '');
  return out.join('\n');
}
