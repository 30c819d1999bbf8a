import { describeFacts } from '../facts/parse.js';
import type { Plan } from '../plan/types.js';
import { fetchParts, fetchScript } from '../steps/download.js';
import { envPrelude } from '../steps/prelude.js';
import { shq } from '../shell/quote.js';
import { oneLine } from './comment.js';
import type { RenderedStep } from '../steps/types.js';

// A step as standalone shell: its script in a subshell, skipped when its guard holds; a download fetched with curl first.
// Scripts are not indented: a line break may sit inside a quoted value (a file's content).
export function guardedStep(s: RenderedStep): string[] {
  if (s.guard && !s.fetch) return [`if ! { ${s.guard}; } >/dev/null 2>&1; then (`, s.script, ') fi'];
  if (s.guard) {
    // The guard is asked before the download (it needs only the digest), so a finished step fetches nothing.
    const { digest, download } = fetchParts(s.fetch!);
    return ['(', `${digest}\nif { ${s.guard}; } >/dev/null 2>&1; then exit 0; fi\n${download}\n${s.script}`, ')'];
  }
  return ['(', s.fetch ? `${fetchScript(s.fetch)}\n${s.script}` : s.script, ')'];
}

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
  out.push(prelude);
  for (const r of plan.recipes) {
    out.push('', `# ── ${oneLine(`${r.id}: ${r.summary}`)}`);
    if (r.skip) {
      out.push(`# skipped: ${oneLine(r.skip)}`);
      continue;
    }
    if (!r.steps.length) out.push('# (a stack: nothing of its own to run)');
    r.steps.forEach((s, i) => {
      out.push(`echo ${shq(`==> ${r.id} [${i + 1}/${r.steps.length}] ${s.title}`)}`, ...guardedStep(s));
      if (s.kind === 'env') out.push(prelude);
    });
    for (const v of r.verify) out.push(v.script);
  }
  out.push('', 'echo "==> done"', '');
  return out.join('\n');
}
