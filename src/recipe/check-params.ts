import { UserError } from '../errors.js';
import type { Param } from './model.js';
import type { ParamInput, RecipeInput } from './schema.js';
import type { KeyPath } from '../yaml/source.js';

function inferType(p: ParamInput): Param['type'] {
  if (p.type) return p.type;
  if (p.values) return 'enum';
  if (typeof p.default === 'boolean') return 'bool';
  if (typeof p.default === 'number') return 'int';
  return 'string';
}

// Does `value` fit a param's type? Returns the problem, or undefined when it fits.
export function paramValueProblem(param: Param, value: unknown): string | undefined {
  switch (param.type) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'int':
      return Number.isInteger(value) ? undefined : `expected an integer, got ${JSON.stringify(value)}`;
    case 'enum':
      return param.values!.includes(String(value)) ? undefined : `expected one of ${param.values!.join(', ')}, got ${JSON.stringify(value)}`;
    default:
      return typeof value === 'string' || typeof value === 'number' ? undefined : `expected a string, got ${JSON.stringify(value)}`;
  }
}

// Settle each param's type and check its default against it.
export function checkParams(input: RecipeInput, at: (path: KeyPath) => string, errors: UserError[]): Record<string, Param> {
  const params: Record<string, Param> = {};
  for (const [name, p] of Object.entries(input.params ?? {})) {
    const param: Param = { name, type: inferType(p), secret: p.secret ?? false };
    if (p.default !== undefined) param.default = p.default;
    if (p.values) param.values = p.values;
    if (p.description) param.description = p.description;
    const path = ['params', name];
    if (param.type === 'enum' && !param.values) errors.push(new UserError(`params.${name}: an enum param needs "values"`, at(path)));
    else if (param.type !== 'enum' && param.values) errors.push(new UserError(`params.${name}: "values" is only for enum params`, at([...path, 'values'])));
    else if (param.default !== undefined) {
      const problem = paramValueProblem(param, param.default);
      if (problem) errors.push(new UserError(`params.${name}.default: ${problem}`, at([...path, 'default'])));
    }
    if (param.secret && param.type !== 'string') errors.push(new UserError(`params.${name}: only string params can be secret`, at([...path, 'secret'])));
    if (param.secret && param.default !== undefined && param.default !== '') {
      errors.push(new UserError(`params.${name}: a secret param cannot have a default written in the recipe`, at([...path, 'default'])));
    }
    params[name] = param;
  }
  return params;
}
