import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/recipe/catalog.js';
import { isStack } from '../../src/recipe/model.js';
import { rig } from '../helpers/rig.js';

interface DoctorJson {
  recipes: { recipe: string; status: { state: string; detail: string } }[];
}

describe('rig doctor', () => {
  it('lists every recipe but the stacks, with its state here, from one probe', async () => {
    const started = Date.now();
    const res = await rig(['doctor', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const rows = (JSON.parse(res.stdout) as DoctorJson).recipes;
    const catalog = new Catalog();
    const wanted = catalog.names().filter((n) => !isStack(catalog.get(n)));
    const shown = new Set(rows.map((r) => r.recipe.replace(/\(.*$/, '')));
    expect(wanted.filter((n) => !shown.has(n))).toEqual([]);
    expect(rows.map((r) => r.recipe)).not.toContain('seed-box');
    for (const r of rows) expect(['satisfied', 'missing', 'wrong', 'skipped', 'blocked', 'unplannable']).toContain(r.status.state);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('shows a recipe that needs a param as not plannable, with the reason', async () => {
    const res = await rig(['doctor', '--json']);
    const row = (JSON.parse(res.stdout) as DoctorJson).recipes.find((r) => r.recipe === 'postgresql-db');
    expect(row?.status).toEqual({ state: 'unplannable', detail: 'postgresql-db needs param "user": --set postgresql-db.user=…' });
  });

  it('prints a table', async () => {
    const res = await rig(['doctor']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^rig doctor on local: /);
    expect(res.stdout).toMatch(/\n! postgresql-db +cannot plan with default params: /);
    expect((await rig(['--help'])).stdout).toMatch(/\n {2}doctor +every recipe's status/);
  });
});
