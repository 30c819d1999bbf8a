import { lockJsonSchema } from '../../lock/schema.js';
import { recipeJsonSchema } from '../../recipe/json-schema.js';
import type { Command } from '../command.js';

// rig schema: the JSON Schema of recipe files.
export const command: Command = {
  usage: `Usage: rig schema [--lock]

Print the JSON Schema of recipe files, generated from the same schema rig validates with.
Editors use it through the first line of a recipe:
  # yaml-language-server: $schema=../schema/recipe.schema.json
With --lock, the JSON Schema of lock files (rig lock).`,
  flags: { lock: { type: 'boolean' } },
  async run(args) {
    process.stdout.write(`${JSON.stringify(args.values.lock ? lockJsonSchema() : recipeJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
