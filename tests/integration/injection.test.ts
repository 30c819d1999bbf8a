import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/recipe/catalog.js';
import { rig } from '../helpers/rig.js';
import { tempDir } from '../helpers/temp.js';

// `rig plan` runs every check and guard of the plan on this machine, so a value set with --set reaches real shells
// here: inside "$( … )", backticks, ${ … }, quotes and plain words of the built-in recipes' commands. Each value below
// tries to leave its place in its own way, and would create a file in the test's folder if it did.
const catalog = new Catalog();
const cases = catalog.names().flatMap((name) => {
  const params = Object.entries(catalog.get(name).params).filter(([, p]) => !p.secret && !p.values && (p.default === undefined || typeof p.default === 'string'));
  return params.length ? [{ name, params: params.map(([p]) => p) }] : [];
});

// Two values, each trying several ways out at once: quotes of both kinds, then substitutions and a line break.
function hostile(dir: string): string[] {
  const mark = (n: number) => join(dir, `PWNED-${n}`);
  return [
    `/x"; touch ${mark(1)}; "'; touch ${mark(2)}; '}`,
    `/x$(touch ${mark(3)})\`touch ${mark(4)}\`\ntouch ${mark(5)}\n`,
  ];
}

describe('a --set value never runs as a command, wherever a recipe puts it', () => {
  it('covers the recipes that take string params', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('$name', async ({ name, params }) => {
    const dir = tempDir();
    for (const value of hostile(dir)) {
      const res = await rig(['plan', name, ...params.flatMap((p) => ['--set', `${name}.${p}=${value}`]), '--json'], { env: { RIG_STATE_DIR: join(dir, 'state'), HOME: dir } });
      expect(res.stderr, `${name} ${JSON.stringify(value)}`).not.toMatch(/^\s+at /m);
      expect(readdirSync(dir).filter((f) => f.startsWith('PWNED')), `${name} ${JSON.stringify(value)}: ${res.stderr}`).toEqual([]);
    }
    expect(existsSync(join(dir, 'state'))).toBe(true);
  }, 120_000);
});
