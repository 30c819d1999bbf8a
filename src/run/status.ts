import type { PlannedCheck, PlannedRecipe } from '../plan/types.js';
import { serviceState, type ServiceState } from '../recipe/service.js';
import { extractVersion, firstMatch } from '../version/extract.js';
import type { Redactor } from './redact.js';

// Where a recipe stands on the target.
export type State = 'satisfied' | 'missing' | 'wrong' | 'skipped' | 'unchecked' | 'stack' | 'blocked';

// A recipe's state with what was found (and where, when its check says), what is wanted, and its service's state.
export interface RecipeStatus {
  state: State;
  found?: string;
  at?: string;
  wants?: string;
  service?: ServiceState;
  detail: string;
}

// The last line of a check's output, without the "bash: line 12: " that bash puts before its own errors ("main: line
// 12: " in a check of a batch, which runs as a function of the script bash reads).
function lastLine(output: string): string {
  const line = (output.trim().split('\n').at(-1) ?? '').trim().replace(/^(?:bash: (?:line \d+: )?|main: line \d+: )/, '');
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

// Where the check found what it found: the `at` group of its version pattern, when that matched.
function foundAt(output: string, pattern: RegExp | undefined): string | undefined {
  const at = pattern && firstMatch(pattern, output)?.groups?.at?.trim();
  return at || undefined;
}

// Judge a check's exit code and output against what the recipe wants; a service's state (the output's last line,
// see recipe/service.ts) is part of it. With a redactor, every secret in what the status says is hidden (the lines it
// quotes before they are cut short, so that no part of a secret shows).
export function judgeCheck(check: PlannedCheck, code: number, output: string, redactor?: Redactor): RecipeStatus {
  if (!redactor) return judge(check, code, output, lastLine);
  return redactor.redactAll(judge(check, code, output, (text) => lastLine(redactor.redact(text))));
}

// The status a check's answer gives; `line` quotes the last line of some output.
function judge(check: PlannedCheck, code: number, output: string, line: (text: string) => string): RecipeStatus {
  const { service, rest } = serviceState(output);
  const wants = check.wants?.text;
  const at = check.query ? undefined : foundAt(rest, check.pattern);
  const seen = (found: string | undefined) => ({ ...(found !== undefined ? { found } : {}), ...(at ? { at } : {}), ...(wants ? { wants } : {}), ...(service ? { service } : {}) });
  const foundText = (found: string) => `found ${found}${at ? ` at ${at}` : ''}${wants ? `, wants ${wants}` : ''}`;
  const serviceText = service ? `; service ${service.name}: ${service.running ? 'running' : 'not running'}` : '';
  if (code !== 0) {
    const why = line(rest);
    // The check failed after printing a version (a client there, its server down): say what was found.
    const version = check.pattern && !check.query ? extractVersion(rest, check.pattern) : undefined;
    const printed = version !== undefined && /^\d/.test(version) ? version : undefined;
    if (service && !service.running) return { state: 'missing', ...seen(printed), detail: `${printed ? foundText(printed) : 'installed'}${serviceText}` };
    if (printed) return { state: 'missing', ...seen(printed), detail: `${foundText(printed)}, but its check fails${why && !why.includes(printed) ? `: ${why}` : ` (exit ${code})`}` };
    return { state: 'missing', ...(wants ? { wants } : {}), detail: `not installed${why ? ` (${why})` : ''}` };
  }
  const found = extractVersion(rest, check.pattern);
  if (!check.wants) return { state: 'satisfied', ...seen(found), detail: `${found ? foundText(found) : 'installed'}${serviceText}` };
  if (found === undefined) return { state: 'wrong', ...seen(undefined), detail: `installed, but its version cannot be read from "${line(rest)}", wants ${check.wants.text}${serviceText}` };
  return { state: check.wants.test(found) ? 'satisfied' : 'wrong', ...seen(found), detail: `${foundText(found)}${serviceText}` };
}

// Judge a recipe without a check from its step guards: done when every step's guard holds.
export function judgeGuards(recipe: PlannedRecipe, guardsHeld: boolean[]): RecipeStatus {
  const todo = guardsHeld.filter((held) => !held).length;
  if (todo === 0) return { state: 'satisfied', detail: `all ${recipe.steps.length} steps done` };
  return { state: 'missing', detail: `${todo} of ${recipe.steps.length} steps to do` };
}

// The status of a recipe that is not probed: skipped by `when`, a stack, or not checked (--no-probe, --facts).
export function unprobedStatus(recipe: PlannedRecipe): RecipeStatus {
  if (recipe.skip) return { state: 'skipped', detail: recipe.skip };
  if (recipe.blocked) return { state: 'blocked', detail: recipe.blocked };
  if (!recipe.check && recipe.steps.length === 0) return { state: 'stack', detail: `stack of ${recipe.requires.length}` };
  return { state: 'unchecked', detail: 'not checked' };
}

// A recipe that needs work but may not run here (an assert failed) is blocked; otherwise its status stands.
export function withBlock(recipe: PlannedRecipe, status: RecipeStatus): RecipeStatus {
  return recipe.blocked && needsWork(status) ? { state: 'blocked', detail: recipe.blocked } : status;
}

// A recipe whose check passes but whose last run did not finish (its verify failed) is not done: it runs again.
export function withUnfinished(status: RecipeStatus, why: string | undefined): RecipeStatus {
  if (!why || status.state !== 'satisfied') return status;
  return { ...status, state: 'missing', detail: `${status.detail}, but its last run did not finish: ${why}` };
}

// Does this status mean the recipe's steps must run?
export function needsWork(status: RecipeStatus): boolean {
  return status.state === 'missing' || status.state === 'wrong' || status.state === 'unchecked';
}
