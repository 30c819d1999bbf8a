import { createHash } from 'node:crypto';
import type { RenderContext } from './types.js';

// The name a recipe instance's own files carry: the recipe's name for its plain instance, NAME-HASH for one required
// with params (two venvs of one recipe), so that each instance keeps files of its own rather than rewriting shared ones.
export function instanceStem(ctx: Pick<RenderContext, 'recipe' | 'instance'>): string {
  const instance = ctx.instance ?? ctx.recipe;
  if (instance === ctx.recipe) return ctx.recipe;
  return `${ctx.recipe}-${createHash('sha256').update(instance).digest('hex').slice(0, 12)}`;
}
