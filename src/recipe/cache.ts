import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_ID } from '../build-id.js';
import { stateDir } from '../state-dir.js';
import type { Recipe } from './model.js';
import { parseRecipe } from './load.js';

type Cached = Omit<Recipe, 'at' | 'check' | 'verify' | 'hints'> & {
  check?: Omit<NonNullable<Recipe['check']>, 'pattern'> & { pattern?: string };
  verify: (Omit<Recipe['verify'][number], 'expect'> & { expect?: string })[];
  hints: { match: string; say: string }[];
};

function toCached(r: Recipe): Cached {
  const { at: _at, check, verify, hints, ...rest } = r;
  const cached: Cached = { ...rest, verify: verify.map(({ expect, ...v }) => ({ ...v, ...(expect ? { expect: expect.source } : {}) })), hints: hints.map((h) => ({ match: h.match.source, say: h.say })) };
  if (check) {
    const { pattern, ...fields } = check;
    cached.check = pattern ? { ...fields, pattern: pattern.source } : fields;
  }
  return cached;
}

function fromCached(c: Cached, text: string, file: string): Recipe {
  let parsed: Recipe | undefined;
  const { check, verify, hints, ...rest } = c;
  const recipe: Recipe = {
    ...rest,
    verify: verify.map(({ expect, ...v }) => ({ ...v, ...(expect !== undefined ? { expect: new RegExp(expect, 'm') } : {}) })),
    hints: hints.map((h) => ({ match: new RegExp(h.match, 'm'), say: h.say })),
    at: (path) => (parsed ??= parseRecipe(text, file)).at(path),
  };
  if (check) recipe.check = { ...check, ...(check.pattern !== undefined ? { pattern: new RegExp(check.pattern, 'm') } : {}) } as Recipe['check'];
  return recipe;
}

// Parse a recipe, reusing the result cached for the same text, file and rig build (YAML parsing dominates loading large catalogs).
export function parseRecipeCached(text: string, file: string): Recipe {
  if (!BUILD_ID) return parseRecipe(text, file);
  const dir = join(stateDir(), 'cache', 'recipes');
  const path = join(dir, `${createHash('sha256').update(`${BUILD_ID}\0${file}\0${text}`).digest('hex').slice(0, 40)}.json`);
  try {
    return fromCached(JSON.parse(readFileSync(path, 'utf8')) as Cached, text, file);
  } catch {
    // not cached yet (or unreadable): parse it
  }
  const recipe = parseRecipe(text, file);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(toCached(recipe)));
    renameSync(`${path}.${process.pid}.tmp`, path);
  } catch {
    // a cache that cannot be written only costs speed
  }
  return recipe;
}
