import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, UserErrors } from '../../src/errors.js';
import { buildPlan } from '../../src/plan/build.js';
import { NO_MIRROR } from '../../src/recipe/mirror.js';
import { parseRecipe } from '../../src/recipe/load.js';
import { makeFacts } from '../helpers/facts.js';

const RECIPES = join(import.meta.dirname, '../../recipes');
const seeds = readdirSync(RECIPES).filter((f) => f.endsWith('.yaml')).map((f) => ({ name: f.slice(0, -5), text: readFileSync(join(RECIPES, f), 'utf8') }));
const SPECIALS = [':', '{', '}', '[', ']', '&a', '*a', '!', '|', '>', "'", '"', '%', '@', '#', '\n', '\t', '- ', '? ', ',', '{{ params.x }}', '{{ facts.os.id }}', '{{', '}}', '$(id)', '\\', '..', '/', '~', 'null', '1e999', '-1', 'true', '<<: *a'];

const edit = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), a: fc.nat() }),
);

type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of edits) {
    if (e.kind === 'insert') {
      const at = e.at % (out.length + 1);
      out = out.slice(0, at) + e.text + out.slice(at);
    } else if (e.kind === 'delete') {
      const at = e.at % (out.length + 1);
      out = out.slice(0, at) + out.slice(at + e.length);
    } else {
      const lines = out.split('\n');
      const a = e.a % lines.length;
      if (e.kind === 'dup') lines.splice(a, 0, lines[a]!);
      else {
        const b = e.b % lines.length;
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      }
      out = lines.join('\n');
    }
  }
  return out;
}

describe('the loader and planner never crash on mutated recipes', () => {
  it('only ever report user errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 }), (seed, edits) => {
        const text = mutate(seed.text, edits);
        try {
          const recipe = parseRecipe(text, `${seed.name}.yaml`);
          const lookup = (name: string) => {
            if (name !== recipe.name) throw new UserError(`unknown recipe "${name}"`);
            return recipe;
          };
          buildPlan(lookup, { names: [recipe.name], sets: [], mirror: NO_MIRROR }, makeFacts(), () => {
            throw new UserError('no data files here');
          });
        } catch (err) {
          if (!(err instanceof UserError || err instanceof UserErrors)) throw err;
          const lines = err instanceof UserErrors ? err.errors.map((e) => e.line) : [err.line];
          for (const line of lines) expect(line).not.toContain('\n');
        }
      }),
      { numRuns: 2000, seed: 20261129 },
    );
    // 2000 runs take seconds alone and several times that on a loaded machine: the time limit is not what is tested.
  }, 300_000);
});
