import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Catalog } from '../../src/recipe/catalog.js';
import { extractVersion } from '../../src/version/extract.js';

interface Row {
  tool: string;
  command: string;
  output: string;
  version: string;
  recipes?: string[];
}

const rows = parse(readFileSync(new URL('../fixtures/versions.yaml', import.meta.url), 'utf8')) as Row[];
const catalog = new Catalog();
const checked = catalog.names().map((n) => catalog.get(n)).filter((r) => r.check?.pattern);

// Every recipe's check.version regex, applied to real output of its tool (tests/fixtures/versions.yaml rows naming it).
describe('check.version of every recipe reads real tool output', () => {
  it('has fixture rows for every recipe that reads a version', () => {
    const without = checked.filter((r) => !rows.some((row) => row.recipes?.includes(r.name))).map((r) => r.name);
    expect(without).toEqual([]);
  });

  it('names only recipes that exist', () => {
    const names = new Set(catalog.names());
    expect(rows.flatMap((row) => row.recipes ?? []).filter((n) => !names.has(n))).toEqual([]);
  });

  it.each(checked.flatMap((r) => rows.filter((row) => row.recipes?.includes(r.name)).map((row) => [r.name, row.command, r, row] as const)))(
    '%s: %s',
    (_name, _command, recipe, row) => {
      expect(extractVersion(row.output, recipe.check!.pattern)).toBe(row.version);
    },
  );
});
