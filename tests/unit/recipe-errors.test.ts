import { describe, expect, it } from 'vitest';
import { UserError, UserErrors } from '../../src/errors.js';
import { buildPlan } from '../../src/plan/build.js';
import { NO_MIRROR } from '../../src/recipe/mirror.js';
import { parseRecipe } from '../../src/recipe/load.js';
import { makeFacts } from '../helpers/facts.js';

function errorsOf(text: string, file = 'r.yaml'): string[] {
  try {
    parseRecipe(text, file);
  } catch (err) {
    if (err instanceof UserErrors) return err.errors.map((e) => e.line);
    if (err instanceof UserError) return [err.line];
    throw err;
  }
  return [];
}

const ok = 'name: r\nsummary: s\n';

describe('recipe errors name file:line:col and the key path', () => {
  const cases: [string, string, string][] = [
    ['YAML syntax', 'name: r\nsummary: [oops\n', 'r.yaml:3:1: YAML: '],
    ['duplicate key', 'name: r\nname: r\nsummary: s\n', 'r.yaml:2:1: YAML: Map keys must be unique'],
    ['unknown key with a suggestion', `${ok}stpes: []\n`, 'r.yaml:3:1: stpes: unknown key "stpes" (did you mean "steps"?)'],
    ['unknown step key', `${ok}steps:\n  - run: make\n    creatse: /x\n`, 'r.yaml:5:5: steps[0].creatse: unknown key "creatse" (did you mean "creates"?)'],
    ['wrong type', `${ok}steps:\n  - apt: git\n`, 'r.yaml:4:10: steps[0].apt: expected a list, got a string ("git")'],
    ['missing key', 'name: r\n', 'r.yaml:1:1: missing required key "summary"'],
    ['no step kind', `${ok}steps:\n  - donwload: x\n`, 'r.yaml:4:5: steps[0]: a step needs one of apt, pip, download, file, env, git, run (did you mean "download"?)'],
    ['two step kinds', `${ok}steps:\n  - { run: x, apt: [y] }\n`, 'r.yaml:4:5: steps[0]: a step has one kind, found run and apt'],
    ['bad regex', `${ok}check:\n  run: x --version\n  version: '(?<version>[0-9'\n`, 'r.yaml:5:12: check.version: bad regex: '],
    ['bad version range', `${ok}check:\n  run: x\n  wants: '>=3..2'\n`, 'r.yaml:5:10: check.wants: bad version range: '],
    ['unknown param in a template', `${ok}steps:\n  - run: echo {{ params.vesion }}\n    creates: /x\n`, 'r.yaml:4:10: steps[0].run: unknown param "vesion"'],
    ['unknown fact', `${ok}steps:\n  - run: echo {{ facts.os.idd }}\n    creates: /x\n`, 'r.yaml:4:10: steps[0].run: unknown fact "os.idd" (did you mean "os.id"?)'],
    ['enum default not in values', `${ok}params:\n  m: { values: [a, b], default: c }\n`, 'r.yaml:4:33: params.m.default: expected one of a, b, got "c"'],
    ['name differs from file', 'name: other\nsummary: s\n', 'r.yaml:1:7: name: "other" must match the file name "r"'],
    ['download without sha256', `${ok}steps:\n  - download: https://example.org/x.tgz\n    to: /opt/x.tgz\n`, 'r.yaml:4:5: steps[0]: a download needs sha256'],
    ['relative path', `${ok}steps:\n  - file: etc/x\n    content: hi\n`, 'r.yaml:4:11: steps[0].file: "etc/x" must be an absolute path'],
    ['a service without a run check', `${ok}check: { dpkg: postgresql }\nservice: postgresql\n`, 'r.yaml:4:10: service: needs a check with run'],
    ['a service name that is not one', `${ok}check: { run: x }\nservice: "pg; rm -rf /"\n`, 'r.yaml:4:10: service: a service name is letters, digits'],
    ['alias bomb', 'a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n', 'r.yaml:1:1: YAML: '],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => {
      const errors = errorsOf(text);
      expect(errors.length, errors.join('\n')).toBeGreaterThan(0);
      expect(errors[0]).toContain(expected);
      expect(errors.every((e) => !e.includes('\n'))).toBe(true);
    });
  }

  it('accepts a full recipe and types its params', () => {
    const r = parseRecipe(
      `${ok}params:\n  version: { default: "3.24.0" }\n  jobs: { default: 4 }\n  gui: { default: false }\n  m: { values: [apt, src], default: apt }\n  pw: { secret: true }\n` +
        `check:\n  run: x --version\n  version: 'x (?<version>\\S+)'\n  wants: ">={{ params.version }}"\nsteps:\n  - apt: [x]\n  - run: make\n    unless: test -f /x\n`,
      'r.yaml',
    );
    expect(Object.values(r.params).map((p) => [p.name, p.type, p.secret])).toEqual([
      ['version', 'string', false], ['jobs', 'int', false], ['gui', 'bool', false], ['m', 'enum', false], ['pw', 'string', true],
    ]);
    expect(r.steps.map((s) => s.kind)).toEqual(['apt', 'run']);
    expect(r.warnings).toEqual([]);
  });

  it('reads the state of the service a recipe starts after its own check: the recipe as written, the plan reading it', () => {
    const r = parseRecipe(`${ok}check: { run: psql --version }\nservice: postgresql\n`, 'r.yaml');
    expect([r.check!.run, r.service]).toEqual(['psql --version', 'postgresql']);
    const plan = buildPlan(() => r, { names: [r.name], sets: [], mirror: NO_MIRROR }, makeFacts(), () => {
      throw new UserError('no data files here');
    });
    expect(plan.recipes[0]!.check!.script).toMatch(/^\(psql --version\) \|\| exit\n.*service postgresql status .*echo 'service postgresql: running'/);
  });

  it('warns about a run step without a guard', () => {
    const r = parseRecipe(`${ok}check: { run: x }\nsteps:\n  - run: make install\n`, 'r.yaml');
    expect(r.warnings).toEqual([expect.stringContaining('r.yaml:5:5: warning: steps[0]: run step has no guard')]);
  });

  it('warns about a pipe into grep -q (under pipefail the command before it can die of SIGPIPE)', () => {
    const r = parseRecipe(`${ok}check: { run: "ldconfig -p | grep -q libz" }
steps:
  - apt: [zlib1g]
verify:
  - "fc-list | grep -qi wqy"
  - "grep -q x /etc/hosts"
`, 'r.yaml');
    expect(r.warnings).toEqual([
      expect.stringMatching(/^r\.yaml:\d+:\d+: warning: check\.run: a pipe into grep -q fails at random under pipefail/),
      expect.stringMatching(/^r\.yaml:\d+:\d+: warning: verify\[0\]: a pipe into grep -q/),
    ]);
  });
});
