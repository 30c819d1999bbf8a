import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError, UserErrors } from '../../src/errors.js';
import { exportDockerfile } from '../../src/export/dockerfile.js';
import { exportSh } from '../../src/export/sh.js';
import { fetchParts } from '../../src/steps/download.js';
import type { Facts } from '../../src/facts/types.js';
import type { Plan } from '../../src/plan/types.js';
import { Catalog } from '../../src/recipe/catalog.js';
import { planJson } from '../../src/report/plan-text.js';
import { unprobedStatus } from '../../src/run/status.js';
import { BOXES, factsFile } from './boxes.js';
import { planBuiltin } from './plan-of.js';
import type { JsonPlan } from './plan-text.js';

const RECIPES = new Catalog().names();
// Params of recipes that have no default for them.
const SETS: Record<string, string[]> = { 'postgresql-db': ['postgresql-db.user=app', 'postgresql-db.db=appdb', 'postgresql-db.password=s3cret'] };

function planOn(name: string, box: string): Plan | undefined {
  const facts = JSON.parse(readFileSync(factsFile(box), 'utf8')) as Facts;
  try {
    return planBuiltin([name], facts, { sets: SETS[name] ?? [] });
  } catch (err) {
    if (err instanceof UserError || err instanceof UserErrors) return undefined;
    throw err;
  }
}

// Every script plan --json says apply runs, in its order: each step's guard and script, then each recipe's check and verify.
function programScripts(plan: Plan): string[] {
  const json = planJson(plan, new Map(plan.recipes.map((r) => [r.id, unprobedStatus(r)])), 'local') as JsonPlan;
  const byId = new Map(json.recipes.map((r) => [r.id, r]));
  return json.program.flatMap((unit) => [
    ...unit.steps.flatMap((s) => [...(s.guard ? [s.guard] : []), ...(s.fetch ? [fetchParts(s.fetch as never).download] : []), s.script]),
    ...unit.recipes.flatMap((id) => [...(byId.get(id)!.check ? [byId.get(id)!.check!.script] : []), ...byId.get(id)!.verify.map((v) => v.script)]),
  ]);
}

// The scripts that are not found in `text` in this order.
function missingInOrder(text: string, scripts: string[]): string[] {
  let at = 0;
  const missing: string[] = [];
  for (const script of scripts) {
    const found = text.indexOf(script, at);
    if (found < 0) missing.push(script.slice(0, 200));
    else at = found + script.length;
  }
  return missing;
}

// A Dockerfile's RUN lines read back as the script each runs.
function dockerScripts(dockerfile: string): string {
  return [...dockerfile.matchAll(/^RUN \[(.*?)\]$/gms)].map((m) => (JSON.parse(`[${m[1]!.replace(/\\\n/g, '')}]`) as string[]).slice(4).join('\n')).join('\n');
}

// One rendering: what plan shows is what export sh and export dockerfile run, guard for guard, check for check.
describe('plan, export sh and export dockerfile run the same scripts', () => {
  it.each(RECIPES)('%s on every recorded box', (name) => {
    let compared = 0;
    for (const box of BOXES) {
      const plan = planOn(name, box);
      if (!plan || plan.recipes.some((r) => !r.skip && r.blocked)) continue;
      const scripts = programScripts(plan);
      expect(missingInOrder(exportSh(plan, '0', name), scripts), `export sh of ${name} on ${box}`).toEqual([]);
      if (!plan.recipes.some((r) => !r.skip && r.secretEnvs.length)) {
        expect(missingInOrder(dockerScripts(exportDockerfile(plan, 'ubuntu:22.04', '0', name)), scripts), `export dockerfile of ${name} on ${box}`).toEqual([]);
      }
      compared++;
    }
    expect(compared, `${name} plans on no recorded box`).toBeGreaterThan(0);
  });
});
