import { UserError } from '../errors.js';
import type { Facts } from '../facts/types.js';
import { isStack, type Recipe } from '../recipe/model.js';
import type { Scalar } from '../recipe/schema.js';
import { renderData, renderShell, TemplateError, type TemplateContext } from '../recipe/template.js';
import { renderStep } from '../steps/render.js';
import type { RenderContext } from '../steps/types.js';
import { parseWants, WantsError } from '../version/wants.js';
import { checkSets, resolveParams, type ParamValue } from './params.js';
import type { Plan, PlannedCheck, PlannedRecipe, PlanRequest } from './types.js';
import { whenFails } from './when.js';

// Looks up a recipe by name; `where` names the place that asked for it, for the error message.
export type RecipeLookup = (name: string, where?: string) => Recipe;

function instanceId(name: string, given: Record<string, Scalar>): string {
  const args = Object.entries(given).map(([k, v]) => `${k}=${String(v)}`);
  return args.length ? `${name}(${args.join(',')})` : name;
}

// Run `render`, turning template and path errors into UserErrors at `where`, prefixed with `label`.
function at<T>(where: string, label: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (err instanceof TemplateError || err instanceof WantsError || (err instanceof UserError && !err.where)) {
      throw new UserError(`${label}: ${err.message}`, where);
    }
    throw err;
  }
}

function planCheck(recipe: Recipe, ctx: TemplateContext): PlannedCheck | undefined {
  const check = recipe.check;
  if (!check) return undefined;
  const planned: PlannedCheck = { script: at(recipe.at(['check', 'run']), 'check.run', () => renderShell(check.run, ctx)) };
  if (check.pattern) planned.pattern = check.pattern;
  if (check.wants !== undefined) {
    planned.wants = at(recipe.at(['check', 'wants']), 'check.wants', () => parseWants(renderData(check.wants!, ctx)));
  }
  return planned;
}

function planRecipe(recipe: Recipe, id: string, params: Record<string, ParamValue>, requires: string[], skip: string | undefined, facts: Facts, request: PlanRequest): PlannedRecipe {
  const ctx: TemplateContext = { params, facts, mirror: request.mirror.values, recipe: { name: recipe.name } };
  const secretEnvs = Object.values(params).flatMap((v) => (typeof v === 'object' ? [v.env] : []));
  const planned: PlannedRecipe = {
    id, name: recipe.name, file: recipe.file, summary: recipe.summary, params, requires,
    steps: [], verify: [], hints: recipe.hints, notes: [], secretEnvs,
  };
  if (skip) return { ...planned, skip };
  const check = planCheck(recipe, ctx);
  if (check) planned.check = check;
  const rctx: RenderContext = {
    facts, mirror: request.mirror, recipe: recipe.name, secretEnvs,
    data: (t) => renderData(t, ctx),
    shell: (t) => renderShell(t, ctx),
  };
  for (const step of recipe.steps) {
    if (whenFails(step.spec.when, facts, params)) continue;
    planned.steps.push(at(step.where, `steps[${step.index}]`, () => renderStep(step, rctx)));
  }
  planned.verify = recipe.verify.map((v, i) => {
    const script = at(recipe.at(['verify', i]), `verify[${i}]`, () => renderShell(v.run, ctx));
    return v.expect ? { script, expect: v.expect } : { script };
  });
  return planned;
}

// Build the ordered plan: requires first (depth-first, in the order written), cycles and unknown recipes reported; no I/O.
export function buildPlan(lookup: RecipeLookup, request: PlanRequest, facts: Facts): Plan {
  const recipes: PlannedRecipe[] = [];
  const byId = new Map<string, PlannedRecipe>();
  const loaded = new Map<string, Recipe>();
  const base: TemplateContext = { facts, mirror: request.mirror.values };

  const visit = (name: string, given: Record<string, Scalar>, where: string | undefined, path: string[]): string => {
    if (path.includes(name)) {
      throw new UserError(`requires form a cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`, where);
    }
    const recipe = lookup(name, where);
    loaded.set(name, recipe);
    const id = instanceId(name, given);
    if (byId.has(id)) return id;
    const params = resolveParams(recipe, given, request.sets, base, where ?? recipe.at([]));
    const skip = whenFails(recipe.when, facts, params);
    const requires: string[] = [];
    if (!skip) {
      const ctx: TemplateContext = { ...base, params, recipe: { name } };
      for (const req of recipe.requires) {
        const childGiven = Object.fromEntries(
          Object.entries(req.with).map(([k, v]) => [k, typeof v === 'string' ? at(req.where, `requires ${req.recipe}.${k}`, () => renderData(v, ctx)) : v]),
        );
        requires.push(visit(req.recipe, childGiven, req.where, [...path, name]));
      }
    }
    const planned = planRecipe(recipe, id, params, requires, skip, facts, request);
    byId.set(id, planned);
    recipes.push(planned);
    return id;
  };

  for (const name of request.names) visit(name, {}, undefined, []);
  checkSets(request.sets, loaded);
  return { request, facts, recipes };
}

// Is this planned recipe only a list of other recipes?
export function isPlannedStack(r: PlannedRecipe): boolean {
  return !r.check && r.steps.length === 0;
}

export { isStack };
