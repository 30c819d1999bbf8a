import { UserError, UserErrors } from '../errors.js';
import { describeFacts } from '../facts/parse.js';
import { cachedFacts, saveFacts } from '../facts/cache.js';
import type { Facts } from '../facts/types.js';
import { buildPlan, type RecipeLookup } from '../plan/build.js';
import type { DataLookup } from '../yaml/data-file.js';
import type { Mirror } from '../recipe/mirror.js';
import type { Plan } from '../plan/types.js';
import type { Catalog } from '../recipe/catalog.js';
import { isStack } from '../recipe/model.js';
import { describeStatus, MARK } from '../report/describe.js';
import { probeWithFacts } from '../run/probe.js';
import { envSecrets } from '../run/redact.js';
import type { RecipeStatus } from '../run/status.js';
import type { Target } from '../targets/target.js';
import type { Parsed } from './args.js';
import { planSources } from './session.js';

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

// What doctor reads the recipes with: the catalog, its data files and the mirror, the same for every host.
export interface DoctorSources {
  catalog: Catalog;
  data: DataLookup;
  mirror: Mirror;
  // The recipes named (with what they require, a stack's members among them); none: every recipe of the catalog.
  named: string[];
}

// The sources of --recipes, --mirror and the recipes named (each checked to exist).
export function doctorSources(args: Parsed): DoctorSources {
  const { catalog, data, mirror } = planSources(args);
  for (const name of args.positionals) catalog.get(name);
  return { catalog, data, mirror, named: args.positionals };
}

// Each recipe's status on `target` (those named, or all), from one plan probed in one batch: the table and its JSON.
// Facts come in the same round trip when those last seen on the target still hold.
export async function doctorReport(target: Target, { catalog, data, mirror, named }: DoctorSources): Promise<{ text: string; json: unknown }> {
  const lookup: RecipeLookup = (name, where) => catalog.get(name, where);
  const sort = (facts: Facts) => (named.length ? { names: named, rows: [] } : sortOut(catalog, lookup, facts, data, mirror));
  const makePlan = (facts: Facts): Plan => buildPlan(lookup, { names: sort(facts).names, sets: [], mirror }, facts, data);
  const { plan, facts, statuses } = await probeWithFacts(target, makePlan, cachedFacts(target.cacheKey), envSecrets());
  saveFacts(target.cacheKey, facts);
  const rows: Row[] = [...plan.recipes.map((r) => ({ recipe: r.id, status: statuses.get(r.id)! })), ...sort(facts).rows].sort((a, b) => a.recipe.localeCompare(b.recipe));
  return { text: `rig doctor on ${target.name}: ${describeFacts(facts)}\n\n${table(rows)}`, json: { target: target.name, facts, recipes: rows } };
}

