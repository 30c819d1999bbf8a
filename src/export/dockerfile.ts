import { UserError } from '../errors.js';
import { describeFacts } from '../facts/parse.js';
import type { Unit } from '../plan/program.js';
import type { Plan } from '../plan/types.js';
import { envPrelude } from '../steps/prelude.js';
import type { EnvSetting } from '../steps/types.js';
import { oneLine } from './comment.js';
import { exportProgram, unitHelpers, unitLines } from './unit-script.js';

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

// A unit's steps (each behind its guard), checks and verify commands as one script; apt lists removed in the same layer.
function layerScript(unit: Unit, plan: Plan): string[] {
  const prelude = envPrelude(plan.facts);
  const lines = [prelude, ...unitHelpers([unit]), ...unitLines(unit, prelude)];
  if (unit.steps.some(({ step }) => step.kind === 'apt')) lines.push(`${plan.facts.root ? '' : 'sudo -n '}rm -rf /var/lib/apt/lists/*`);
  return lines.join('\n').split('\n');
}

function runInstruction(lines: string[]): string {
  const words = [...RUN_LINES, ...lines].map((w) => JSON.stringify(w));
  return `RUN [${words.slice(0, RUN_LINES.length).join(', ')}, \\\n${words.slice(RUN_LINES.length).map((w) => `    ${w}`).join(', \\\n')}]`;
}

// A Dockerfile of a plan: FROM the image, then one RUN layer per unit of its program in dependency order, with ENV for env steps.
export function exportDockerfile(plan: Plan, from: string, version: string, argv: string): string {
  const secret = plan.recipes.find((r) => !r.skip && r.secretEnvs.length);
  if (secret) throw new UserError(`export dockerfile: ${secret.id} has secret params, which would stay in the image's layers; use rig apply --target podman:IMAGE --commit TAG instead`);
  const out = [
    `# Written by rig ${version}: rig ${oneLine(argv)}`,
    `# Rendered for: ${oneLine(describeFacts(plan.facts))}`,
    '# One layer per recipe (adjacent apt-only recipes share one), dependencies first: changing a recipe rebuilds its layer and the ones after it.',
    '# Each step runs only when its guard says it is not done yet, as with rig apply.',
    `FROM ${from}`,
  ];
  for (const unit of exportProgram(plan)) {
    for (const r of unit.recipes) out.push('', `# ${oneLine(`${r.id}: ${r.summary}`)}`);
    const [only] = unit.recipes;
    if (only!.skip) out.push(`# skipped: ${oneLine(only!.skip)}`);
    else if (!unit.work) out.push('# (a stack: nothing of its own to run)');
    else {
      out.push(runInstruction(layerScript(unit, plan)));
      for (const { step } of unit.steps) if (step.env) out.push(...envInstructions(only!.id, step.env));
    }
  }
  return `${out.join('\n')}\n`;
}
