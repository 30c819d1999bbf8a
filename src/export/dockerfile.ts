import { UserError } from '../errors.js';
import { describeFacts } from '../facts/parse.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { shq } from '../shell/quote.js';
import { envPrelude } from '../steps/prelude.js';
import type { EnvSetting } from '../steps/types.js';
import { oneLine } from './comment.js';
import { guardedStep } from './sh.js';

// PATH when the base image sets none (what Docker and podman give a RUN then).
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// RUN's exec form runs bash on the lines that follow as its arguments, one Dockerfile line each.
const RUN_LINES = ['/bin/bash', '-c', 'set -euo pipefail; eval "$(printf \'%s\\n\' "$@")"', 'rig'];

// A value escaped for a double-quoted Dockerfile word.
function escapeWord(value: string): string {
  return value.replace(/[\\"$]/g, (c) => `\\${c}`);
}

// ENV instructions for what an env step sets: directories in front of path lists, then variables.
function envInstructions(recipe: string, env: EnvSetting): string[] {
  const out: string[] = [];
  if (env.path.length) out.push(`ENV PATH="${escapeWord(env.path.join(':'))}:\${PATH:-${DEFAULT_PATH}}"`);
  for (const [name, dirs] of Object.entries(env.prepend)) {
    if (dirs.length) out.push(`ENV ${name}="${escapeWord(dirs.join(':'))}\${${name}:+:\${${name}}}"`);
  }
  for (const [name, value] of Object.entries(env.vars)) {
    if (value.includes('\n')) throw new UserError(`export dockerfile: ${recipe} sets ${name} to a value with a line break, which ENV cannot hold`);
    out.push(`ENV ${name}="${escapeWord(value)}"`);
  }
  return out;
}

// The recipe's steps (each behind its guard) and verify commands as one script; apt lists removed in the same layer.
function layerScript(recipe: PlannedRecipe, plan: Plan): string[] {
  const prelude = envPrelude(plan.facts);
  const lines = [prelude];
  recipe.steps.forEach((s, i) => {
    lines.push(`echo ${shq(`==> ${recipe.id} [${i + 1}/${recipe.steps.length}] ${s.title}`)}`, ...guardedStep(s));
    if (s.kind === 'env') lines.push(prelude);
  });
  for (const v of recipe.verify) lines.push(v.script);
  if (recipe.steps.some((s) => s.kind === 'apt')) lines.push(`${plan.facts.root ? '' : 'sudo -n '}rm -rf /var/lib/apt/lists/*`);
  return lines.join('\n').split('\n');
}

function runInstruction(lines: string[]): string {
  const words = [...RUN_LINES, ...lines].map((w) => JSON.stringify(w));
  return `RUN [${words.slice(0, RUN_LINES.length).join(', ')}, \\\n${words.slice(RUN_LINES.length).map((w) => `    ${w}`).join(', \\\n')}]`;
}

// A Dockerfile of a plan: FROM the image, then one RUN layer per recipe in dependency order, with ENV for env steps.
export function exportDockerfile(plan: Plan, from: string, version: string, argv: string): string {
  const secret = plan.recipes.find((r) => !r.skip && r.secretEnvs.length);
  if (secret) throw new UserError(`export dockerfile: ${secret.id} has secret params, which would stay in the image's layers; use rig apply --target podman:IMAGE --commit TAG instead`);
  const out = [
    `# Written by rig ${version}: rig ${oneLine(argv)}`,
    `# Rendered for: ${oneLine(describeFacts(plan.facts))}`,
    '# One layer per recipe, dependencies first: changing a recipe rebuilds its layer and the ones after it.',
    '# Each step runs only when its guard says it is not done yet, as with rig apply.',
    `FROM ${from}`,
  ];
  for (const r of plan.recipes) {
    out.push('', `# ${oneLine(`${r.id}: ${r.summary}`)}`);
    if (r.skip) out.push(`# skipped: ${oneLine(r.skip)}`);
    else if (!r.steps.length) out.push('# (a stack: nothing of its own to run)');
    else {
      out.push(runInstruction(layerScript(r, plan)));
      for (const s of r.steps) if (s.env) out.push(...envInstructions(r.id, s.env));
    }
  }
  return `${out.join('\n')}\n`;
}
