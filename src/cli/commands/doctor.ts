import { UserError, UserErrors } from '../../errors.js';
import { describeFacts } from '../../facts/parse.js';
import { gatherFacts } from '../../facts/gather.js';
import type { Facts } from '../../facts/types.js';
import { buildPlan, type RecipeLookup } from '../../plan/build.js';
import { dataLookup } from '../../plan/data.js';
import type { DataLookup } from '../../yaml/data-file.js';
import { loadMirror } from '../../plan/mirror.js';
import { NO_MIRROR, type Mirror } from '../../recipe/mirror.js';
import type { Plan } from '../../plan/types.js';
import { BUILTIN_RECIPES, type Catalog } from '../../recipe/catalog.js';
import { isStack } from '../../recipe/model.js';
import { describeStatus, MARK } from '../../report/describe.js';
import { probePlan } from '../../run/probe.js';
import { envSecrets } from '../../run/redact.js';
import type { RecipeStatus } from '../../run/status.js';
import { openTarget } from '../../targets/select.js';
import { many, one } from '../args.js';
import { RECIPE_FLAGS, type Command } from '../command.js';
import { doctorLocked } from '../doctor-locked.js';
import { LOCKED_FLAG } from '../locked.js';
import { openCatalog } from '../session.js';

// One line of the doctor table: a recipe instance and where it stands, or why it cannot be planned.
interface Row {
  recipe: string;
  status: RecipeStatus | { state: 'unplannable'; detail: string };
}

function problemOf(err: unknown): string {
  if (err instanceof UserErrors) return err.errors.map((e) => e.message).join('; ');
  if (err instanceof UserError) return err.message;
  throw err;
}

// Split the catalog's non-stack recipes into those that plan with default params and those that do not (and why).
function sortOut(catalog: Catalog, lookup: RecipeLookup, facts: Facts, data: DataLookup, mirror: Mirror): { names: string[]; rows: Row[] } {
  const names: string[] = [];
  const rows: Row[] = [];
  for (const name of catalog.names()) {
    try {
      if (isStack(catalog.get(name))) continue;
      buildPlan(lookup, { names: [name], sets: [], mirror }, facts, data);
      names.push(name);
    } catch (err) {
      rows.push({ recipe: name, status: { state: 'unplannable', detail: problemOf(err) } });
    }
  }
  return { names, rows };
}

function table(rows: Row[]): string {
  const width = Math.max(...rows.map((r) => r.recipe.length));
  return rows
    .map((r) => {
      const s = r.status;
      const text = s.state === 'unplannable' ? `cannot plan with default params: ${s.detail}` : describeStatus(s);
      return `${s.state === 'unplannable' ? '!' : MARK[s.state]} ${r.recipe.padEnd(width)}  ${text}`;
    })
    .join('\n');
}

// rig doctor: every recipe's status on the target, from one plan probed in one batch.
export const command: Command = {
  usage: `Usage: rig doctor [--json] [--target TARGET] [--mirror NAME] [--recipes DIR]
       rig doctor --locked FILE [RECIPE… --set RECIPE.PARAM=VALUE…] [--json] [--target TARGET]

Show every recipe (stacks aside) with its default params: satisfied, missing, wrong
version (what was found, and where when its check says, vs what is wanted), the state of
the service it starts, skipped or blocked here, and why. All checks run read-only in
one batch on the target. A recipe that cannot be planned with its default params (one that
needs a param, say) is listed with the reason. Secret params are read from RIG_SECRET_*
variables; their values show as ***.

With --locked FILE: the drift of the target from a lock (rig lock) instead, for the lock's
recipes and params (or the RECIPE… named): each apt package, pip distribution and clone
not at the locked version, the distributions pip installed that the lock lacks, and what
would stop the lock being replayed; exit 1 when there is any.`,
  flags: { ...RECIPE_FLAGS, ...LOCKED_FLAG, json: { type: 'boolean' }, target: { type: 'string' }, mirror: { type: 'string' }, set: { type: 'string', multiple: true } },
  async run(args) {
    if (args.values.locked !== undefined) return doctorLocked(args);
    if (args.values.set !== undefined) throw new UserError('--set goes with --locked FILE RECIPE…: doctor checks every recipe with its default params', '--set');
    const catalog = openCatalog(args);
    const mirrorSpec = one(args.values.mirror);
    const mirror = mirrorSpec ? loadMirror(mirrorSpec) : NO_MIRROR;
    const target = await openTarget(one(args.values.target));
    try {
      const facts = await gatherFacts(target);
      const data = dataLookup([BUILTIN_RECIPES, ...many(args.values.recipes)]);
      const lookup: RecipeLookup = (name, where) => catalog.get(name, where);
      const sorted = sortOut(catalog, lookup, facts, data, mirror);
      const plan: Plan = buildPlan(lookup, { names: sorted.names, sets: [], mirror }, facts, data);
      const { statuses } = await probePlan(plan, target, envSecrets());
      const rows: Row[] = [...plan.recipes.map((r) => ({ recipe: r.id, status: statuses.get(r.id)! })), ...sorted.rows].sort((a, b) => a.recipe.localeCompare(b.recipe));
      if (args.values.json) process.stdout.write(`${JSON.stringify({ target: target.name, facts, recipes: rows }, null, 2)}\n`);
      else process.stdout.write(`rig doctor on ${target.name}: ${describeFacts(facts)}\n\n${table(rows)}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
