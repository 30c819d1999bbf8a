import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError, UserErrors } from '../../src/errors.js';
import type { Facts } from '../../src/facts/types.js';
import { Catalog } from '../../src/recipe/catalog.js';
import { planJson } from '../../src/report/plan-text.js';
import { unprobedStatus } from '../../src/run/status.js';
import { BOXES, factsFile } from './boxes.js';
import { planBuiltin } from './plan-of.js';
import { planText, type JsonPlan } from './plan-text.js';

const RECIPES = new Catalog().names();

// What `rig plan NAME --no-probe --json [--mirror M]` prints on a box, built in-process (the CLI layer has tests of its own).
function plan(names: string[], box: string, mirror?: string): string {
  try {
    const facts = JSON.parse(readFileSync(factsFile(box), 'utf8')) as Facts;
    const p = planBuiltin(names, facts, mirror ? { mirror } : {});
    return planText(planJson(p, new Map(p.recipes.map((r) => [r.id, unprobedStatus(r)])), 'local') as JsonPlan);
  } catch (err) {
    if (err instanceof UserErrors) return `rig exited 2\n${err.errors.map((e) => `rig: ${e.line}`).join('\n')}`;
    if (err instanceof UserError) return `rig exited 2\nrig: ${err.line}`;
    throw err;
  }
}

async function plansOnEveryBox(args: string[]): Promise<string> {
  const mirror = args.indexOf('--mirror');
  const names = mirror >= 0 ? args.slice(0, mirror) : args;
  const texts = BOXES.map((box) => plan(names, box, mirror >= 0 ? args[mirror + 1] : undefined));
  return BOXES.map((box, i) => `######## ${box}\n${texts[i]}`).join('\n');
}

// The exact commands of every recipe and stack on every recorded box; the files under plans/ are the reviewed spec.
describe('rig plan --no-probe of every recipe on every recorded box', () => {
  it('covers every recipe', () => {
    expect(RECIPES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(RECIPES)('%s', async (name) => {
    await expect(await plansOnEveryBox([name])).toMatchFileSnapshot(`plans/${name}.txt`);
  });

  it('seed-box --mirror tuna', async () => {
    await expect(await plansOnEveryBox(['seed-box', '--mirror', 'tuna'])).toMatchFileSnapshot('plans/seed-box.mirror-tuna.txt');
  });

  it('ml-gpu --mirror aliyun and paddle-speech --mirror ustc', async () => {
    await expect(await plansOnEveryBox(['ml-gpu', '--mirror', 'aliyun'])).toMatchFileSnapshot('plans/ml-gpu.mirror-aliyun.txt');
    await expect(await plansOnEveryBox(['paddle-speech', '--mirror', 'ustc'])).toMatchFileSnapshot('plans/paddle-speech.mirror-ustc.txt');
  });
});
