import { UserErrors } from '../../errors.js';
import { isStack } from '../../recipe/model.js';
import type { Command } from '../command.js';
import { RECIPE_FLAGS } from '../command.js';
import { openCatalog } from '../session.js';

// rig list: every recipe with its summary.
export const command: Command = {
  usage: `Usage: rig list [--json] [--recipes DIR]

List every recipe (built-in, and from --recipes directories) with its summary.
Stacks (recipes that only require others) are marked with *.`,
  flags: { ...RECIPE_FLAGS, json: { type: 'boolean' } },
  async run(args) {
    const catalog = openCatalog(args);
    const errors = [];
    const rows = [];
    for (const name of catalog.names()) {
      try {
        const r = catalog.get(name);
        rows.push({ name, summary: r.summary, stack: isStack(r), file: r.file });
      } catch (err) {
        if (err instanceof UserErrors) errors.push(...err.errors);
        else throw err;
      }
    }
    if (errors.length) throw new UserErrors(errors);
    if (args.values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      const width = Math.max(...rows.map((r) => r.name.length + 1));
      for (const r of rows) process.stdout.write(`${(r.name + (r.stack ? '*' : '')).padEnd(width)}  ${r.summary}\n`);
    }
    return 0;
  },
};
