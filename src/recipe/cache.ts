import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeWhole } from '../write-whole.js';
import { join } from 'node:path';
import { z } from 'zod';
import { BUILD_ID } from '../build-id.js';
import { readBack } from '../read-back.js';
import { stateDir } from '../state-dir.js';
import type { Recipe } from './model.js';
import { parseRecipe } from './load.js';
import { recipeRegex } from './regex.js';
import type { KeyPath } from '../yaml/source.js';
import { assertSchema, checkSchema, deriveSchema, paramSchema, providesSchema, stepSchemas, whenSchema, type StepKind } from './schema.js';

const scalar = paramSchema.shape.default.unwrap();

// A step of the model: its kind, its spec as written, its place and position.
const stepOf = <K extends StepKind>(kind: K) => z.strictObject({ kind: z.literal(kind), spec: stepSchemas[kind], index: z.number().int().nonnegative(), where: z.string() });

// Every field of the recipe model but `at` (a function), each checked as the model holds it (regexes as their source).
const cachedShape = {
  name: z.string(),
  summary: z.string(),
  file: z.string(),
  params: z.record(
    z.string(),
    z.strictObject({ name: z.string(), type: paramSchema.shape.type.unwrap(), default: scalar.optional(), values: z.array(z.string()).optional(), secret: z.boolean(), description: z.string().optional() }),
  ),
  requires: z.array(z.strictObject({ recipe: z.string(), with: z.record(z.string(), scalar), where: z.string() })),
  when: whenSchema.optional(),
  derive: z.record(z.string(), deriveSchema),
  assert: z.array(assertSchema),
  check: checkSchema.extend({ pattern: z.string().optional(), where: z.string() }).optional(),
  provides: providesSchema,
  locks: z.string().optional(),
  service: z.string().optional(),
  steps: z.array(z.discriminatedUnion('kind', [stepOf('apt'), stepOf('pip'), stepOf('download'), stepOf('file'), stepOf('env'), stepOf('git'), stepOf('run')])),
  verify: z.array(z.strictObject({ run: z.string(), expect: z.string().optional(), when: whenSchema.optional() })),
  hints: z.array(z.strictObject({ match: z.string(), say: z.string() })),
  warnings: z.array(z.string()),
} satisfies Record<Exclude<keyof Recipe, 'at'>, z.ZodType>;

// A parsed recipe as the cache file holds it (state dir, cache/recipes/): the model, its regexes as their source.
export const cachedRecipeSchema = z.strictObject(cachedShape);

type Cached = z.infer<typeof cachedRecipeSchema>;

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
  const at = (path: KeyPath) => (parsed ??= parseRecipe(text, file)).at(path);
  const regex = (source: string, path: KeyPath) => recipeRegex(source, path, () => at(path));
  const recipe: Recipe = {
    ...rest,
    verify: verify.map(({ expect, ...v }, i) => ({ ...v, ...(expect !== undefined ? { expect: regex(expect, ['verify', i, 'expect']) } : {}) })),
    hints: hints.map((h, i) => ({ match: regex(h.match, ['hints', i, 'match']), say: h.say })),
    at,
  };
  if (check) {
    const { pattern, ...fields } = check;
    recipe.check = pattern !== undefined ? { ...fields, pattern: regex(pattern, ['check', 'version']) } : fields;
  }
  return recipe;
}

// The recipe cached at `path`, or undefined when there is none or it is not what this rig writes (then it is rebuilt).
function readCached(path: string, text: string, file: string): Recipe | undefined {
  try {
    const read = readBack(readFileSync(path, 'utf8'), cachedRecipeSchema);
    return 'data' in read && read.data.file === file ? fromCached(read.data, text, file) : undefined;
  } catch {
    // not cached yet, unreadable, not JSON, or a regex that does not compile: parse the recipe again
    return undefined;
  }
}

// Parse a recipe, reusing the result cached for the same text, file and rig build (YAML parsing dominates loading large catalogs).
export function parseRecipeCached(text: string, file: string): Recipe {
  if (!BUILD_ID) return parseRecipe(text, file);
  const dir = join(stateDir(), 'cache', 'recipes');
  const path = join(dir, `${createHash('sha256').update(`${BUILD_ID}\0${file}\0${text}`).digest('hex').slice(0, 40)}.json`);
  const cached = readCached(path, text, file);
  if (cached) return cached;
  const recipe = parseRecipe(text, file);
  try {
    mkdirSync(dir, { recursive: true });
    writeWhole(path, JSON.stringify(toCached(recipe)));
  } catch {
    // a cache that cannot be written only costs speed
  }
  return recipe;
}
