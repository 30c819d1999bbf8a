import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { closest } from '../text/suggest.js';
import { parseRecipeCached } from './cache.js';
import { readRecipeText } from './load.js';
import type { Recipe } from './model.js';

// The recipes shipped with rig.
export const BUILTIN_RECIPES = join(PACKAGE_ROOT, 'recipes');

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function recipeFiles(dir: string, flag: string | undefined): Map<string, string> {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir);
  } catch {
    throw new UserError(`no such recipe directory: ${dir}`, flag);
  }
  const files = new Map<string, string>();
  for (const entry of entries.sort()) {
    const m = /^(.+)\.ya?ml$/.exec(entry);
    if (m) files.set(m[1]!, displayPath(join(dir, entry)));
  }
  return files;
}

// Finds recipes by name in the built-in directory and in user directories (which win on a shared name); loads each only when asked.
export class Catalog {
  private readonly files = new Map<string, string>();
  private readonly loaded = new Map<string, Recipe>();

  constructor(userDirs: readonly string[] = [], builtin: string | null = BUILTIN_RECIPES) {
    if (builtin) for (const [name, file] of recipeFiles(builtin, undefined)) this.files.set(name, file);
    for (const dir of userDirs) for (const [name, file] of recipeFiles(resolve(dir), '--recipes')) this.files.set(name, file);
  }

  // Every recipe name, sorted.
  names(): string[] {
    return [...this.files.keys()].sort();
  }

  // The file a recipe is read from.
  fileOf(name: string): string | undefined {
    return this.files.get(name);
  }

  // Load a recipe by name; an unknown name is a UserError with suggestions.
  get(name: string, where?: string): Recipe {
    const cached = this.loaded.get(name);
    if (cached) return cached;
    const file = this.files.get(name);
    if (!file) {
      const near = closest(name, this.files.keys());
      const hint = near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : '; `rig list` shows them all';
      throw new UserError(`unknown recipe "${name}"${hint}`, where);
    }
    const recipe = parseRecipeCached(readRecipeText(file), file);
    this.loaded.set(name, recipe);
    return recipe;
  }
}
