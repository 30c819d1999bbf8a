import { stringify } from 'yaml';
import { UserError } from '../../errors.js';
import type { Recipe } from '../../recipe/model.js';
import type { Command } from '../command.js';
import { RECIPE_FLAGS } from '../command.js';
import { openCatalog } from '../session.js';

function describe(r: Recipe): string {
  const out = [`${r.name}: ${r.summary}`, `file: ${r.file}`];
  const params = Object.values(r.params);
  if (params.length) {
    out.push('params:');
    for (const p of params) {
      const type = p.type === 'enum' ? p.values!.join('|') : p.type;
      const def = p.secret ? ' (secret)' : p.default === undefined ? ' (required)' : ` = ${JSON.stringify(p.default)}`;
      out.push(`  ${p.name}: ${type}${def}${p.description ? `  — ${p.description}` : ''}`);
    }
  }
  if (r.requires.length) out.push(`requires: ${r.requires.map((q) => q.recipe + (Object.keys(q.with).length ? ` ${JSON.stringify(q.with)}` : '')).join(', ')}`);
  if (r.when) out.push(`when: ${JSON.stringify(r.when)}`);
  if (r.check) out.push(`check: ${r.check.run}${r.check.wants ? `  (wants ${r.check.wants})` : ''}`);
  if (r.service) out.push(`service: ${r.service}  (its state is read after the check; a stopped one needs the steps)`);
  if (r.steps.length) {
    out.push('steps:');
    for (const s of r.steps) {
      const { name, when, ...spec } = s.spec as Record<string, unknown>;
      out.push(`  ${s.index + 1}. ${s.kind}${name ? `: ${String(name)}` : ''}${when ? `  when ${JSON.stringify(when)}` : ''}`);
      // The step as written, templates and all (rig plan shows its commands rendered for a box).
      out.push(...stringify(spec, { lineWidth: 0 }).trimEnd().split('\n').map((l) => `       ${l}`));
    }
  }
  for (const v of r.verify) out.push(`verify: ${v.run}`);
  for (const h of r.hints) out.push(`hint: /${h.match.source}/ → ${h.say}`);
  return out.join('\n');
}

// rig show: one recipe in full.
export const command: Command = {
  usage: `Usage: rig show RECIPE [--json] [--recipes DIR]

Show a recipe: its params (type, default), requires, when, check, steps, verify and hints.
rig plan RECIPE shows the rendered commands for this machine.`,
  flags: { ...RECIPE_FLAGS, json: { type: 'boolean' } },
  async run(args) {
    if (args.positionals.length !== 1) throw new UserError('show takes one recipe name');
    const recipe = openCatalog(args).get(args.positionals[0]!);
    if (args.values.json) {
      const { at: _at, ...data } = recipe;
      process.stdout.write(`${JSON.stringify(data, (_k, v: unknown) => (v instanceof RegExp ? v.source : v), 2)}\n`);
    } else process.stdout.write(`${describe(recipe)}\n`);
    return 0;
  },
};
