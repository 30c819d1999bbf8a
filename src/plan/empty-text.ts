import type { Recipe } from '../recipe/model.js';
import { findPlaceholders } from '../recipe/template.js';

// Words for a `nonempty` template of a recipe that rendered empty (`render` renders the recipe's templates here), for a skip reason: what is missing and how to give
// it, never the template itself ("no mirror has an address for pip: choose one with --mirror NAME or --set pip-mirror.mirror=…").
export function emptyText(recipe: Recipe, template: string, render: (template: string) => string): string {
  const found = findPlaceholders(template);
  const only = found.length === 1 && found[0]!.path[0] === 'vars' ? recipe.derive[found[0]!.path[1] ?? ''] : undefined;
  if (only?.use === 'mirror') {
    const key = typeof only.with.key === 'string' ? render(only.with.key) : 'such';
    const given = typeof only.with.mirror === 'string' ? /^\{\{\s*params\.(\w+)\s*\}\}$/.exec(only.with.mirror)?.[1] : undefined;
    return `no mirror has an address for ${key}: choose one with --mirror NAME${given ? ` or --set ${recipe.name}.${given}=…` : ''}`;
  }
  const names = found.map((p) => p.path.slice(p.path[0] === 'vars' ? 1 : 0).join('.'));
  return `${names.length ? names.join(', ') : 'a value it needs'} has no value here`;
}
