import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError, UserErrors } from '../errors.js';
import { Catalog } from './catalog.js';
import { cycleMessage } from './cycle.js';
import type { Recipe } from './model.js';

// What validating a set of recipe files found.
export interface Validation {
  recipes: Recipe[];
  errors: UserError[];
  warnings: string[];
}

function filesOf(path: string): string[] {
  if (!existsSync(path)) throw new UserError(`no such file or directory: ${path}`);
  const stat = statSync(path);
  if (stat.isDirectory()) return readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f));
  if (!stat.isFile()) throw new UserError('cannot read recipe: not a regular file', path);
  return [path];
}

// The first requires cycle among these recipes, walked depth-first without recursion (a chain may be thousands deep).
function findCycle(recipes: Recipe[]): UserError | undefined {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const state = new Map<string, 'open' | 'done'>();
  for (const root of byName.keys()) {
    if (state.has(root)) continue;
    state.set(root, 'open');
    const stack = [{ recipe: byName.get(root)!, next: 0 }];
    while (stack.length) {
      const top = stack.at(-1)!;
      const req = top.recipe.requires[top.next++];
      if (!req) {
        state.set(top.recipe.name, 'done');
        stack.pop();
      } else if (state.get(req.recipe) === 'open') {
        const path = stack.map((f) => f.recipe.name);
        return new UserError(cycleMessage(path, req.recipe), req.where);
      } else if (!state.has(req.recipe) && byName.has(req.recipe)) {
        state.set(req.recipe, 'open');
        stack.push({ recipe: byName.get(req.recipe)!, next: 0 });
      }
    }
  }
  return undefined;
}

// Validate recipe files (paths, or every recipe of the catalog): schema, templates, regexes, ranges, requires and cycles.
export function validateRecipes(paths: readonly string[], userDirs: readonly string[]): Validation {
  const dirs = [...userDirs, ...paths.map((p) => (existsSync(p) && statSync(p).isDirectory() ? p : dirname(p)))];
  const catalog = new Catalog([...new Set(dirs.map((d) => resolve(d)))]);
  const files = paths.length ? paths.flatMap(filesOf) : catalog.names().map((n) => catalog.fileOf(n)!);
  const result: Validation = { recipes: [], errors: [], warnings: [] };
  for (const file of files) {
    try {
      const name = basename(file).replace(/\.ya?ml$/, '');
      const recipe = catalog.fileOf(name) && resolve(catalog.fileOf(name)!) === resolve(file) ? catalog.get(name) : undefined;
      if (!recipe) continue;
      result.recipes.push(recipe);
      result.warnings.push(...recipe.warnings);
    } catch (err) {
      if (err instanceof UserErrors) result.errors.push(...err.errors);
      else if (err instanceof UserError) result.errors.push(err);
      else throw err;
    }
  }
  for (const r of result.recipes) {
    for (const q of r.requires) {
      try {
        catalog.get(q.recipe, q.where);
      } catch (err) {
        if (err instanceof UserError) result.errors.push(new UserError(`requires: ${err.message}`, q.where));
        else if (!(err instanceof UserErrors)) throw err;
      }
    }
  }
  const cycle = findCycle(result.recipes);
  if (cycle) result.errors.push(cycle);
  return result;
}
