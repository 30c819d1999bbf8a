import { UserError } from '../errors.js';
import type { Facts } from '../facts/types.js';
import type { Recipe } from '../recipe/model.js';
import { findPlaceholders, renderData, renderShell, renderText, TemplateError, type TemplateContext } from '../recipe/template.js';
import { withServiceState } from '../recipe/service.js';
import { renderStep } from '../steps/render.js';
import type { RenderContext } from '../steps/types.js';
import { parseWants, WantsError } from '../version/wants.js';
import type { ParamValue } from './params.js';
import type { DataFile, DataLookup } from '../yaml/data-file.js';
import { staleNote } from './data.js';
import { typedCheck } from './typed-checks.js';
import type { Mirror } from '../recipe/mirror.js';
import { DERIVERS } from './derive/index.js';
import type { PlannedCheck, PlannedRecipe, PlanRequest } from './types.js';
import { emptyText } from './empty-text.js';
import { whenFails } from './when.js';

// A position, or a way to find it only when an error needs it (positions cost a re-parse of cached recipes).
export type Where = string | (() => string);

// Run `render`, turning template and path errors into UserErrors at `where`, prefixed with `label`.
export function at<T>(where: Where, label: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (err instanceof TemplateError || err instanceof WantsError || (err instanceof UserError && !err.where)) {
      throw new UserError(`${label}: ${err.message}`, typeof where === 'string' ? where : where());
    }
    throw err;
  }
}

// A --set flag whose value a template of the recipe renders, when that template cannot be used: the flag is to blame.
function blameSet<T>(recipe: Recipe, template: string, sets: PlanRequest['sets'], label: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (!(err instanceof WantsError)) throw err;
    const names = new Set(findPlaceholders(template).filter((p) => p.path[0] === 'params').map((p) => p.path[1]));
    const set = sets.find((s) => s.recipe === recipe.name && names.has(s.param));
    if (set) throw new UserError(`${set.flag}: ${label}: ${err.message}`, '--set');
    throw err;
  }
}

function planCheck(recipe: Recipe, ctx: TemplateContext, sets: PlanRequest['sets']): PlannedCheck | undefined {
  const check = recipe.check;
  if (!check) return undefined;
  const typed = at(() => recipe.at(['check']), 'check', () => typedCheck(check, ctx.facts as Facts, (t) => renderData(t, ctx)));
  const run = () => renderShell(check.run!, ctx);
  const planned: PlannedCheck = typed ?? { script: at(() => recipe.at(['check', 'run']), 'check.run', recipe.service ? () => withServiceState(run(), recipe.service!) : run) };
  if (check.pattern) planned.pattern = check.pattern;
  if (check.wants !== undefined) {
    const wants = check.wants;
    planned.wants = at(() => recipe.at(['check', 'wants']), 'check.wants', () => blameSet(recipe, wants, sets, 'check.wants', () => parseWants(renderData(wants, ctx))));
  }
  return planned;
}

// Compute the recipe's derived vars, in the order written; each may use the ones before it.
export function deriveVars(recipe: Recipe, ctx: TemplateContext, facts: Facts, data: DataLookup, mirror: Mirror, notes: string[], blocks: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  const local = { ...ctx, vars };
  const read = new Set<DataFile>();
  const tracked: DataLookup = (name) => {
    const file = data(name);
    read.add(file);
    return file;
  };
  for (const [name, spec] of Object.entries(recipe.derive)) {
    const where = () => recipe.at(['derive', name]);
    const args = Object.fromEntries(
      Object.entries(spec.with).map(([k, v]) => [k, typeof v === 'string' ? at(where, `derive.${name}`, () => renderData(v, local)) : Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, at(where, `derive.${name}`, () => renderData(vv, local))]))]),
    );
    const derived = at(where, `derive.${name}`, () => {
      try {
        return DERIVERS[spec.use]({ args, facts, data: tracked, mirror });
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw new UserError((err as Error).message);
      }
    });
    vars[name] = derived.value;
    if (derived.note) notes.push(derived.note);
    if (derived.blocked) blocks.push(derived.blocked);
  }
  const now = new Date();
  for (const file of read) {
    const stale = staleNote(file, now);
    if (stale) notes.push(stale);
  }
  return vars;
}

// Render the template strings (alone or in a list) of a when/assert matcher.
export function renderWhen<T extends object>(when: T, ctx: TemplateContext, where: Where, label: string): T {
  const render = (v: unknown): unknown => (typeof v === 'string' ? at(where, label, () => renderData(v, ctx)) : Array.isArray(v) ? v.map(render) : v);
  return Object.fromEntries(Object.entries(when).map(([k, v]) => [k, render(v)])) as T;
}

// Plan one recipe instance on the context decided for it: skipped, blocked by an assert, or its check, steps and verify rendered.
export function planRecipe(recipe: Recipe, id: string, params: Record<string, ParamValue>, requires: string[], skip: string | undefined, ctx: TemplateContext, notes: string[], blocks: string[], request: PlanRequest): PlannedRecipe {
  const facts = ctx.facts as Facts;
  const secretEnvs = Object.values(params).flatMap((v) => (typeof v === 'object' ? [v.env] : []));
  const planned: PlannedRecipe = {
    id, name: recipe.name, file: recipe.file, summary: recipe.summary, params, requires, vars: { ...(ctx.vars as Record<string, string> | undefined) },
    steps: [], verify: [], hints: recipe.hints, notes, secretEnvs, ...(recipe.locks ? { locks: recipe.locks } : {}),
  };
  if (skip) return { ...planned, skip };
  if (blocks.length) planned.blocked = blocks.join('; ');
  for (const [i, a] of recipe.assert.entries()) {
    const where = () => recipe.at(['assert', i]);
    const { say, when: guard, ...when } = a;
    if (guard && whenFails(renderWhen(guard, ctx, where, `assert[${i}].when`), facts, params)) continue;
    const failed = whenFails(renderWhen(when, ctx, where, `assert[${i}]`), facts, params, when, (t) => emptyText(recipe, t, (x) => renderData(x, ctx)));
    // An assert on values alone says it all in its say; one on facts adds what this box has.
    const onValues = Object.keys(when).every((k) => k === 'nonempty' || k === 'params');
    if (failed) planned.blocked = `${at(where, `assert[${i}].say`, () => renderData(say, ctx))}${onValues ? '' : ` (${failed})`}`;
  }
  const check = planCheck(recipe, ctx, request.sets);
  if (check) planned.check = check;
  const rctx: RenderContext = {
    facts, mirror: request.mirror, recipe: recipe.name, instance: id, secretEnvs,
    data: (t) => renderData(t, ctx),
    shell: (t) => renderShell(t, ctx),
    text: (t) => renderText(t, ctx),
    ...(request.locked ? { locked: request.locked } : {}),
  };
  for (const step of recipe.steps) {
    if (step.spec.when && whenFails(renderWhen(step.spec.when, ctx, step.where, `steps[${step.index}].when`), facts, params, step.spec.when)) continue;
    planned.steps.push(at(step.where, `steps[${step.index}]`, () => renderStep(step, rctx)));
  }
  planned.verify = recipe.verify.flatMap((v, i) => {
    if (v.when && whenFails(renderWhen(v.when, ctx, () => recipe.at(['verify', i, 'when']), `verify[${i}].when`), facts, params, v.when)) return [];
    const script = at(() => recipe.at(['verify', i]), `verify[${i}]`, () => renderShell(v.run, ctx));
    return [v.expect ? { script, expect: v.expect } : { script }];
  });
  return planned;
}

// The context after a recipe: its `provides` facts filled in where the facts so far lack them (kept on the planned
// recipe, with a note saying so).
export function provide(recipe: Recipe, ctx: TemplateContext, base: TemplateContext, planned: PlannedRecipe): TemplateContext {
  const facts = base.facts as Facts;
  const filled: NonNullable<PlannedRecipe['provided']> = {};
  for (const [key, template] of Object.entries(recipe.provides) as [keyof Recipe['provides'], string][]) {
    const value = at(() => recipe.at(['provides', key]), `provides.${key}`, () => renderData(template, ctx));
    if (value && !facts[key]) filled[key] = value;
  }
  if (!Object.keys(filled).length) return base;
  planned.provided = filled;
  planned.notes.push(`the recipes after it are planned with ${Object.entries(filled).map(([k, v]) => `${k} ${String(v)}`).join(', ')}, which it installs`);
  return { ...base, facts: { ...facts, ...filled } };
}
