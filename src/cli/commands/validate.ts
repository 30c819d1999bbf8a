import { UserErrors } from '../../errors.js';
import { validateRecipes } from '../../recipe/validate.js';
import { many } from '../args.js';
import type { Command } from '../command.js';
import { RECIPE_FLAGS } from '../command.js';

// rig validate: check recipe files.
export const command: Command = {
  usage: `Usage: rig validate [PATH…] [--strict] [--recipes DIR]

Check recipe files (or directories of them; all recipes when no path is given): YAML,
keys and types, params, templates, regexes, version ranges, requires and cycles.
Each problem is one line with file:line:col. Warnings (a run step without a guard, an
unverified download) do not fail validation unless --strict.`,
  flags: { ...RECIPE_FLAGS, strict: { type: 'boolean' } },
  async run(args) {
    const result = validateRecipes(args.positionals, many(args.values.recipes));
    for (const w of result.warnings) process.stderr.write(`${w}\n`);
    if (result.errors.length) throw new UserErrors(result.errors);
    if (args.values.strict && result.warnings.length) {
      process.stderr.write(`rig: ${result.warnings.length} warnings (--strict)\n`);
      return 2;
    }
    process.stdout.write(`${result.recipes.length} recipes valid${result.warnings.length ? `, ${result.warnings.length} warnings` : ''}\n`);
    return 0;
  },
};
