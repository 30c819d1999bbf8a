import { stringify } from 'yaml';
import { UserError, UserErrors } from '../errors.js';
import { describeFacts } from '../facts/parse.js';
import type { Plan, PlannedRecipe } from '../plan/types.js';
import { shq } from '../shell/quote.js';
import { envPrelude } from '../steps/prelude.js';
import type { RenderedStep } from '../steps/types.js';
import { factsCheckScript } from './ansible-facts.js';
import { oneLine } from './comment.js';
import { checkAfter, exportProgram, guardedStep, heldCheck } from './unit-script.js';
import { WANTS_FUNCTION } from './wants-check.js';

// The line a step's script prints when its guard did not hold and it ran: the task is then "changed".
const RAN = 'rig: step ran';

// The first line of every file rig writes in the folder: a folder whose site.yml has it may be written over.
export const ANSIBLE_MARK = '# Written by rig';

// An Ansible role name for a recipe instance ("cmake(method=binary)" → "cmake_method_binary").
function roleName(id: string, taken: Set<string>): string {
  const base = id.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'recipe';
  let name = /^[0-9]/.test(base) ? `r_${base}` : base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

// A script of the role's: bash, stopping at the first error, with rig's env files read first.
function script(header: string, plan: Plan, body: string[]): string {
  return ['#!/usr/bin/env bash', header, 'set -euo pipefail', envPrelude(plan.facts), ...body, ''].join('\n');
}

// The check as rig apply judges it before the steps: exit 0 when the recipe is satisfied, its output printed.
function checkBefore(r: PlannedRecipe): string[] {
  return [...(r.check?.wants ? [WANTS_FUNCTION] : []), ...heldCheck(r, 'exit 1', false), `printf '%s\\n' "$rig_out"`];
}

// One step behind the guard rig apply uses, saying when it ran.
const stepBody = (s: RenderedStep): string[] => guardedStep({ ...s, script: `echo ${shq(RAN)}\n${s.script}` });

// An Ansible task that runs a script of the role (no Python is needed on the host).
function scriptTask(name: string, file: string, more: Record<string, unknown>): Record<string, unknown> {
  return { name, 'ansible.builtin.script': { cmd: file, executable: '/bin/bash' }, ...more };
}

// One recipe's role: its check (a satisfied recipe runs nothing), each step as a task behind its guard, with rig's
// timeout and retries, then the check again and the verify commands. Returns its tasks and its scripts by file name.
function recipeRole(r: PlannedRecipe, plan: Plan, header: string): { tasks: unknown[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  if (r.skip) return { tasks: [{ name: `${r.id}: skipped here`, 'ansible.builtin.debug': { msg: oneLine(r.skip) } }], files };
  const tasks: Record<string, unknown>[] = [];
  const needed = r.check ? { when: 'rig_check.rc != 0' } : {};
  if (r.check) {
    files.set('check.sh', script(header, plan, checkBefore(r)));
    tasks.push(scriptTask(`${r.id}: check`, 'check.sh', { register: 'rig_check', changed_when: false, failed_when: false }));
  }
  r.steps.forEach((s, i) => {
    const file = `step-${i + 1}.sh`;
    files.set(file, script(header, plan, stepBody(s)));
    const retry = s.retries > 0 ? { retries: s.retries, delay: 5, until: 'rig_step.rc == 0' } : {};
    tasks.push(scriptTask(`${r.id} [${i + 1}/${r.steps.length}] ${oneLine(s.title)}`, file, { register: 'rig_step', changed_when: `${JSON.stringify(RAN)} in rig_step.stdout_lines`, ...needed, ...retry, ...(s.timeoutMs ? { timeout: Math.ceil(s.timeoutMs / 1000) } : {}) }));
  });
  const after = [...checkAfter(r), ...r.verify.map((v) => v.script)];
  if (after.length) {
    files.set('after.sh', script(header, plan, [...(r.check?.wants ? [WANTS_FUNCTION] : []), ...after]));
    tasks.push(scriptTask(`${r.id}: check after its steps`, 'after.sh', { changed_when: false, ...needed }));
  }
  return { tasks, files };
}

// A playbook of a plan, as files by path in its folder: site.yml, a role that checks each host is the box the plan was
// rendered for (the facts it depends on, `used`, gathered by rig's own facts script), and a role per recipe.
export function exportAnsible(plan: Plan, used: readonly string[], version: string, argv: string): Map<string, string> {
  // Ansible gives a script its environment on the host's command line, where ps shows it to every user.
  const secret = plan.recipes.filter((r) => !r.skip && r.secretEnvs.length);
  if (secret.length) throw new UserErrors(secret.map((r) => new UserError(`${r.id} has secret params (${r.secretEnvs.join(', ')}): Ansible would pass them on the host's command line; apply it with rig apply -i instead`, r.file)));
  const header = `${ANSIBLE_MARK} ${version}: rig ${oneLine(argv)}`;
  const out = new Map<string, string>();
  const yaml = (data: unknown) => `${header}\n${stringify(data, { lineWidth: 0 })}`;
  out.set('roles/rig_facts/files/facts.sh', script(header, plan, [factsCheckScript(plan.facts, used)]));
  out.set('roles/rig_facts/tasks/main.yml', yaml([scriptTask('this host is the box the playbook was rendered for', 'facts.sh', { changed_when: false })]));
  const taken = new Set(['rig_facts']);
  const roles = ['rig_facts'];
  const ids = new Set(exportProgram(plan).flatMap((u) => u.recipes.map((r) => r.id)));
  for (const r of plan.recipes.filter((x) => ids.has(x.id) || x.skip)) {
    const name = roleName(r.id, taken);
    const role = recipeRole(r, plan, header);
    out.set(`roles/${name}/tasks/main.yml`, yaml(role.tasks));
    for (const [file, text] of role.files) out.set(`roles/${name}/files/${file}`, text);
    roles.push(name);
  }
  const rendered = `# Rendered for: ${oneLine(describeFacts(plan.facts))}; rig_facts stops a host that differs in a fact the plan depends on.`;
  out.set('site.yml', `${header}\n${rendered}\n${stringify([{ name: `rig ${plan.request.names.join(' ')}`, hosts: 'all', gather_facts: false, roles }], { lineWidth: 0 })}`);
  return out;
}
