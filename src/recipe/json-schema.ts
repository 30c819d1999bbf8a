import { z } from 'zod';
import { recipeSchema } from './schema.js';

// The JSON Schema of a recipe file, generated from the zod schema rig validates with.
export function recipeJsonSchema(): object {
  return z.toJSONSchema(recipeSchema, { io: 'input' });
}
