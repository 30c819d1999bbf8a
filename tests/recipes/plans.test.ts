import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

// The golden files, by the name each case checks against; a case with no file fails unless golden plans are being
// regenerated on purpose (npm run golden), and a file no case checks fails too.
const PLANS = new URL('plans/', import.meta.url);
const GOLDEN = [...RECIPES.map((n) => `${n}.txt`), 'seed-box.mirror-tuna.txt', 'ml-gpu.mirror-aliyun.txt', 'paddle-speech.mirror-ustc.txt'];
const regenerating = () => (expect.getState().snapshotState as unknown as { _updateSnapshot: string })._updateSnapshot === 'all';

async function expectGolden(text: string, file: string): Promise<void> {
  if (!regenerating()) expect(existsSync(new URL(file, PLANS)), `tests/recipes/plans/${file} is missing: review the plan and write it with npm run golden`).toBe(true);
  await expect(text).toMatchFileSnapshot(`plans/${file}`);
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

  it('has no golden file that no case checks', () => {
    expect(readdirSync(PLANS).filter((f) => !GOLDEN.includes(f))).toEqual([]);
  });

  it.each(RECIPES)('%s', async (name) => {
    await expectGolden(await plansOnEveryBox([name]), `${name}.txt`);
  });

  // Skip reasons, blocks and notes are read by people: no template text in them, whatever the box.
  it.each(RECIPES)('%s: what plan says about each recipe has no template text', (name) => {
    for (const box of BOXES) {
      const facts = JSON.parse(readFileSync(factsFile(box), 'utf8')) as Facts;
      let words: string[];
      try {
        words = planBuiltin([name], facts, {}).recipes.flatMap((r) => [r.skip ?? '', r.blocked ?? '', ...r.notes]);
      } catch (err) {
        if (err instanceof UserError || err instanceof UserErrors) continue;
        throw err;
      }
      expect(words.filter((w) => w.includes('{{') || w.includes('}}')), `${name} on ${box}`).toEqual([]);
    }
  });

  it('seed-box --mirror tuna', async () => {
    await expectGolden(await plansOnEveryBox(['seed-box', '--mirror', 'tuna']), 'seed-box.mirror-tuna.txt');
  });

  it('ml-gpu --mirror aliyun and paddle-speech --mirror ustc', async () => {
    await expectGolden(await plansOnEveryBox(['ml-gpu', '--mirror', 'aliyun']), 'ml-gpu.mirror-aliyun.txt');
    await expectGolden(await plansOnEveryBox(['paddle-speech', '--mirror', 'ustc']), 'paddle-speech.mirror-ustc.txt');
  });
});
