import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// An exported script judges each recipe after its steps the way rig apply does: the check must pass and find the wanted version.
describe('export sh checks each recipe after its steps', () => {
  const setup = (writes: string) => {
    const root = tempDir();
    writeFiles(join(root, 'recipes'), {
      'tool.yaml': `name: tool\nsummary: s\ncheck:\n  run: cat ${root}/tool-version\n  version: '^tool (?<version>\\S+)$'\n  wants: ">=1.2 <2"\nsteps:\n  - run: echo 'tool ${writes}' > ${root}/tool-version\n    creates: ${root}/tool-version\n`,
    });
    const env = { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    return { root, env, args: ['tool', '--recipes', join(root, 'recipes')] };
  };

  it('stops with what was found and what is wanted when the steps left the wrong version', async () => {
    const { root, env, args } = setup('1.0.3');
    const sh = (await rig(['export', 'sh', ...args, '-o', join(root, 'install.sh')], { env }));
    expect(sh.code, sh.stderr).toBe(0);
    const run = spawnSync('bash', [join(root, 'install.sh')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('found 1.0.3, wants >=1.2 <2');
    expect(run.stderr).toContain('rig: tool is still not satisfied after its steps ran');
    expect(run.stdout).not.toContain('==> done');
  });

  it('goes on when the version is the one wanted, and a second run runs no step', async () => {
    const { root, env, args } = setup('1.4.0');
    await rig(['export', 'sh', ...args, '-o', join(root, 'install.sh')], { env });
    expect(execFileSync('bash', [join(root, 'install.sh')], { encoding: 'utf8' })).toContain('==> done');
    writeFiles(root, { 'tool-version': 'tool 1.5.1\n' });
    expect(execFileSync('bash', [join(root, 'install.sh')], { encoding: 'utf8' })).toContain('==> done');
    expect(execFileSync('cat', [join(root, 'tool-version')], { encoding: 'utf8' })).toBe('tool 1.5.1\n');
  });
});
