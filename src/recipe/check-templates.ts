import { UserError } from '../errors.js';
import { FACT_PATHS } from '../facts/types.js';
import { MIRROR_KEYS } from './mirror.js';
import { didYouMean } from '../text/suggest.js';
import type { Param } from './model.js';
import { formatPath, type KeyPath } from '../yaml/source.js';
import { FILTER_NAMES, findPlaceholders } from './template.js';

const ROOTS = ['params', 'facts', 'mirror', 'recipe', 'vars'];

function* strings(value: unknown, path: (string | number)[]): Generator<[string, KeyPath]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

function problem(path: string[], filters: string[], params: Record<string, Param>, vars: string[]): string | undefined {
  const [root, ...rest] = path;
  const name = rest.join('.');
  if (!ROOTS.includes(root!)) return `unknown value "${path.join('.')}"${didYouMean(root!, ROOTS)}; templates read params., vars., facts., mirror. or recipe.`;
  if (root === 'params' && !(name in params)) return `unknown param "${name}"${didYouMean(name, Object.keys(params))}`;
  if (root === 'facts' && !FACT_PATHS.includes(name)) return `unknown fact "${name}"${didYouMean(name, FACT_PATHS)}`;
  if (root === 'mirror' && !MIRROR_KEYS.includes(name)) return `unknown mirror value "${name}"${didYouMean(name, MIRROR_KEYS)}`;
  if (root === 'vars' && !vars.includes(name)) return `unknown var "${name}"${didYouMean(name, vars)}; vars come from derive:`;
  if (root === 'recipe' && name !== 'name') return `unknown value "recipe.${name}"; only recipe.name exists`;
  const bad = filters.find((f) => !FILTER_NAMES.includes(f));
  if (bad) return `unknown filter "${bad}"${didYouMean(bad, FILTER_NAMES)}; filters: ${FILTER_NAMES.join(', ')}`;
  return undefined;
}

// Check that every {{ placeholder }} in the recipe names a known param, fact, mirror value and filter.
export function checkTemplates(input: object, params: Record<string, Param>, vars: string[], at: (path: KeyPath) => string, errors: UserError[]): void {
  for (const [text, path] of strings(input, [])) {
    if (path[0] === 'summary' || path[0] === 'hints') continue;
    for (const p of findPlaceholders(text)) {
      const why = problem(p.path, p.filters, params, vars);
      if (why) errors.push(new UserError(`${formatPath(path)}: ${why}`, at(path)));
    }
  }
}
