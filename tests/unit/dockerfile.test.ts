import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { exportDockerfile } from '../../src/export/dockerfile.js';
import { makeFacts } from '../helpers/facts.js';
import { planOf } from '../helpers/plan.js';
import { tempDir } from '../helpers/temp.js';

// The instructions of a Dockerfile, with continuation lines joined as Docker joins them; comments dropped.
function instructions(dockerfile: string): string[] {
  return dockerfile.replace(/\\\n/g, '').split('\n').filter((l) => l && !l.startsWith('#'));
}

// The argv of an exec-form RUN instruction.
function runArgv(instruction: string): string[] {
  return JSON.parse(instruction.slice('RUN '.length)) as string[];
}

const RECIPES = {
  base: 'summary: apt packages\nsteps:\n  - apt: [git, curl]\n',
  tool: 'summary: a file and its PATH\nrequires: [base]\nsteps:\n  - file: /opt/tool/bin/tool\n    mode: "0755"\n    content: "#!/bin/sh\\necho tool\\n"\n  - env:\n      path: [/opt/tool/bin]\n      prepend:\n        LD_LIBRARY_PATH: [/opt/tool/lib]\n      vars:\n        TOOL_HOME: /opt/tool\n        TOOL_GREETING: \'say "hi" for $5 \\ now\'\n',
  box: 'summary: the stack\nrequires: [base, tool, gpu-only]\n',
  'gpu-only': 'summary: only with a GPU\nwhen: { gpu: true }\nsteps:\n  - apt: [nvidia-smi]\n',
};

describe('exportDockerfile', () => {
  const plan = planOf({ recipes: RECIPES }, ['box']);
  const dockerfile = exportDockerfile(plan, 'debian:bookworm', '0.0.0', 'export dockerfile box --from debian:bookworm');
  const lines = instructions(dockerfile);

  it('builds FROM the image with one RUN per recipe that has steps, in dependency order', () => {
    expect(lines[0]).toBe('FROM debian:bookworm');
    expect(lines.filter((l) => l.startsWith('RUN ')).map((l) => runArgv(l).find((a) => a.startsWith("echo '==> "))!.split(' ')[2])).toEqual(['base', 'tool']);
    expect(dockerfile).toContain('# gpu-only: only with a GPU\n# skipped: needs an NVIDIA GPU');
    expect(dockerfile).toContain('# box: the stack\n# (a stack: nothing of its own to run)');
  });

  it('removes apt lists in the layer of an apt step, and only there', () => {
    const [base, tool] = lines.filter((l) => l.startsWith('RUN ')).map(runArgv);
    expect(base!.at(-1)).toBe('rm -rf /var/lib/apt/lists/*');
    expect(tool!.join('\n')).not.toContain('/var/lib/apt/lists/*;');
    expect(tool!.at(-1)).not.toContain('apt/lists');
  });

  it('sets what env steps set with ENV after their layer, PATH falling back to the default when the image has none', () => {
    const env = lines.filter((l) => l.startsWith('ENV '));
    expect(env).toEqual([
      'ENV PATH="/opt/tool/bin:${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"',
      'ENV LD_LIBRARY_PATH="/opt/tool/lib${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"',
      'ENV TOOL_HOME="/opt/tool"',
      'ENV TOOL_GREETING="say \\"hi\\" for \\$5 \\\\ now"',
    ]);
    expect(lines.indexOf(env[0]!)).toBeGreaterThan(lines.findLastIndex((l) => l.startsWith('RUN ')));
  });

  it('runs a layer as bash runs the guarded steps: content kept byte for byte, and a second run skips every step', () => {
    const dir = tempDir();
    const facts = makeFacts({ envDir: join(dir, 'env'), stateDir: join(dir, 'state') });
    const content = 'line "one"\n  indented $HOME \\ back\n\'quoted\'\n';
    const recipes = { f: `summary: a file\nsteps:\n  - file: ${dir}/out/f.txt\n    content: ${JSON.stringify(content)}\n  - env:\n      vars: { F_SET: "yes" }\n` };
    const layer = instructions(exportDockerfile(planOf({ recipes }, ['f'], { facts }), 'x', '0', 'x')).find((l) => l.startsWith('RUN '))!;
    const [bash, ...args] = runArgv(layer);
    const written = () => [join(dir, 'out/f.txt'), join(dir, 'env/rig-f.sh')].map((f) => statSync(f).mtimeMs);
    expect(execFileSync(bash!, args, { encoding: 'utf8' })).toContain('==> f [2/2]');
    expect(readFileSync(join(dir, 'out/f.txt'), 'utf8')).toBe(content);
    expect(readFileSync(join(dir, 'env/rig-f.sh'), 'utf8')).toContain('export F_SET=yes');
    const before = written();
    execFileSync(bash!, args);
    expect(written()).toEqual(before);
  });

  it('refuses recipes with secret params, which would stay in a layer', () => {
    const recipes = { db: 'summary: a database\nparams:\n  password: { secret: true }\nsteps:\n  - run: echo {{ params.password }} | wc -c\n    unless: "false"\n' };
    expect(() => exportDockerfile(planOf({ recipes }, ['db'], { sets: ['db.password=hunter22'] }), 'x', '0', 'x')).toThrow(UserError);
  });

  it('refuses an env value with a line break, which ENV cannot hold', () => {
    const recipes = { e: 'summary: env\nsteps:\n  - env:\n      vars: { TWO: "a\\nb" }\n' };
    expect(() => exportDockerfile(planOf({ recipes }, ['e']), 'x', '0', 'x')).toThrow(/line break/);
  });
});

describe('a line break in text that exports write as comments', () => {
  // A summary, an instance id from --set, a skip reason, a fact of a --facts file and the command line all reach
  // comment lines; each carries a line break followed by a command or an instruction.
  const plan = planOf({ recipes: { 'gpu-only': 'summary: "only with a GPU\\nRUN touch PWNED\\ntouch PWNED"\nwhen: { gpu: true }\nsteps:\n  - apt: [nvidia-smi]\n' } }, ['gpu-only']);
  plan.recipes[0]!.id = 'gpu-only(x=1\nRUN touch PWNED\ntouch PWNED)';
  plan.recipes[0]!.skip = 'needs a GPU\nRUN touch PWNED\ntouch PWNED';
  plan.facts.os.codename = 'bookworm\nRUN touch PWNED\ntouch PWNED';
  const argv = 'export x --set a=1\nRUN touch PWNED\ntouch PWNED';

  it('cannot start an instruction of a Dockerfile or a command of a script', async () => {
    const { exportSh } = await import('../../src/export/sh.js');
    for (const out of [exportDockerfile(plan, 'debian:bookworm', '0.0.0', argv), exportSh(plan, '0.0.0', argv)]) {
      expect(out.split('\n').filter((l) => /^(RUN )?touch PWNED/.test(l))).toEqual([]);
      expect(out).toContain('RUN touch PWNED touch PWNED');
    }
  });
});
