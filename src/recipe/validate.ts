import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError, UserErrors } from '../errors.js';
import { Catalog } from './catalog.js';
import type { Recipe } from './model.js';

// What validating a set of recipe files found.
export interface Validation {
  recipes: Recipe[];
  errors: UserError[];
  warnings: string[];
}

function filesOf(path: string): string[] {
  if (!existsSync(path)) throw new UserError(`no such file or directory: ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f));
}

function findCycle(recipes: Recipe[], names: Set<string>): UserError | undefined {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const done = new Set<string>();
  const visit = (name: string, path: string[]): UserError | undefined => {
    if (path.includes(name)) {
      const from = byName.get(path.at(-1)!)!;
      const req = from.requires.find((q) => q.recipe === name)!;
      return new UserError(`requires form a cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`, req.where);
    }
    if (done.has(name) || !byName.has(name)) return undefined;
    for (const q of byName.get(name)!.requires) {
      const cycle = visit(q.recipe, [...path, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
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
  const cycle = findCycle(result.recipes, new Set(result.recipes.map((r) => r.name)));
  if (cycle) result.errors.push(cycle);
  return result;
}
