import { UserError } from '../errors.js';
import { paramValueProblem } from '../recipe/check-params.js';
import type { Param, Recipe } from '../recipe/model.js';
import type { Scalar } from '../recipe/schema.js';
import { renderData, Secret, secretEnvName, TemplateError, type TemplateContext } from '../recipe/template.js';
import { didYouMean } from '../text/suggest.js';

// One --set flag: recipe.param=value.
export interface ParamSet {
  recipe: string;
  param: string;
  value: string;
  flag: string;
  // From an inventory, which gives params for any recipe: ignored when its recipe is not part of the plan.
  ifPlanned?: true;
}

// Parse the value of a --set flag ("cmake.version=3.24.0").
export function parseSet(text: string): ParamSet {
  const m = /^([a-z0-9][a-z0-9._-]*?)\.([a-z][a-z0-9_]*)=(.*)$/s.exec(text);
  if (!m) throw new UserError(`--set ${text}: expected recipe.param=value, e.g. --set cmake.version=3.24.0`, '--set');
  return { recipe: m[1]!, param: m[2]!, value: m[3]!, flag: `--set ${text}` };
}

// Convert a --set string to the param's type.
function coerce(param: Param, raw: string): Scalar {
  if (param.type === 'bool') {
    if (/^(true|yes|on|1)$/i.test(raw)) return true;
    if (/^(false|no|off|0)$/i.test(raw)) return false;
    return raw;
  }
  if (param.type === 'int' && /^-?\d+$/.test(raw)) return Number(raw);
  return raw;
}

// Check --set flags against the recipes of a plan: each names a known recipe and param, with a value of its type.
export function checkSets(sets: readonly ParamSet[], recipes: ReadonlyMap<string, Recipe>): void {
  for (const s of sets) {
    const recipe = recipes.get(s.recipe);
    if (!recipe) {
      if (s.ifPlanned) continue;
      throw new UserError(`${s.flag}: recipe "${s.recipe}" is not part of this plan${didYouMean(s.recipe, recipes.keys())}`, '--set');
    }
    const param = recipe.params[s.param];
    if (!param) {
      const known = Object.keys(recipe.params);
      const list = known.length ? `; its params: ${known.join(', ')}` : '; it has no params';
      throw new UserError(`${s.flag}: unknown param "${s.param}" of ${s.recipe}${didYouMean(s.param, known)}${list}`, '--set');
    }
    const problem = paramValueProblem(param, coerce(param, s.value));
    if (problem) throw new UserError(`${s.flag}: ${problem}`, '--set');
  }
}

// A resolved param value; secret params stay a reference to their environment variable.
export type ParamValue = Scalar | Secret;

// Refuse secret params of two recipes in a plan whose values would travel in one variable ("a-b" param "c" and "a"
// param "b_c" are both RIG_SECRET_A_B_C): one would get the other's secret.
export function checkSecretNames(recipes: ReadonlyMap<string, Recipe>): void {
  const owners = new Map<string, string>();
  for (const recipe of recipes.values()) {
    for (const [name, param] of Object.entries(recipe.params)) {
      if (!param.secret) continue;
      const env = secretEnvName(recipe.name, name);
      const other = owners.get(env);
      if (other && other !== `${recipe.name}.${name}`) throw new UserError(`secret params ${[other, `${recipe.name}.${name}`].sort().join(' and ')} would both be given in ${env}; rename one of them`, recipe.at(['params', name]));
      owners.set(env, `${recipe.name}.${name}`);
    }
  }
}

// The params of one recipe instance: defaults, then values from a requiring recipe, then --set flags.
export function resolveParams(
  recipe: Recipe,
  given: Record<string, Scalar>,
  sets: readonly ParamSet[],
  ctx: TemplateContext,
  where: () => string,
): Record<string, ParamValue> {
  for (const name of Object.keys(given)) {
    if (!(name in recipe.params)) throw new UserError(`unknown param "${name}" of ${recipe.name}${didYouMean(name, Object.keys(recipe.params))}`, where());
  }
  const params: Record<string, ParamValue> = {};
  const local: TemplateContext = { ...ctx, params, recipe: { name: recipe.name } };
  for (const [name, param] of Object.entries(recipe.params)) {
    if (param.secret) {
      params[name] = new Secret(secretEnvName(recipe.name, name));
      continue;
    }
    const set = sets.findLast((s) => s.recipe === recipe.name && s.param === name);
    let value: Scalar | undefined = set ? coerce(param, set.value) : given[name];
    if (value === undefined && param.default !== undefined) value = renderDefault(recipe, name, param.default, local);
    if (value === undefined) throw new UserError(`${recipe.name} needs param "${name}": --set ${recipe.name}.${name}=…`, where());
    const problem = paramValueProblem(param, value);
    if (problem) throw new UserError(`${recipe.name}.${name}: ${problem}`, set ? '--set' : where());
    params[name] = value;
  }
  return params;
}

function renderDefault(recipe: Recipe, name: string, value: Scalar, ctx: TemplateContext): Scalar {
  if (typeof value !== 'string') return value;
  try {
    return renderData(value, ctx);
  } catch (err) {
    if (err instanceof TemplateError) throw new UserError(`params.${name}.default: ${err.message}`, recipe.at(['params', name, 'default']));
    throw err;
  }
}

// The secret values given with --set, keyed by the environment variable that carries each.
export function secretsFromSets(sets: readonly ParamSet[], recipes: ReadonlyMap<string, Recipe>): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const s of sets) if (recipes.get(s.recipe)?.params[s.param]?.secret) secrets[secretEnvName(s.recipe, s.param)] = s.value;
  return secrets;
}
