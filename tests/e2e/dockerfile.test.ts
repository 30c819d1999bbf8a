import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { CONTAINERS_CONF, events, podman, podmanOk, RECIPES, skipReason, TEST_IMAGE } from './podman.js';

// One instruction of a podman build, and whether its layer came from the cache.
interface BuildStep {
  instruction: string;
  cached: boolean;
}

function buildSteps(output: string): BuildStep[] {
  const steps: BuildStep[] = [];
  for (const line of output.split('\n')) {
    const step = /^STEP \d+\/\d+: (.*)$/.exec(line);
    if (step) steps.push({ instruction: step[1]!, cached: false });
    else if (line.startsWith('--> Using cache ') && steps.length) steps.at(-1)!.cached = true;
  }
  return steps.filter((s) => !s.instruction.startsWith('FROM '));
}

describe.skipIf(skipReason)('rig export dockerfile', () => {
  const run = randomBytes(4).toString('hex');
  // A base image of its own (TEST_IMAGE with a label), so no layer of an earlier run can be reused.
  const base = `localhost/rig-e2e-base:${run}`;
  const tag = `localhost/rig-e2e-dockerfile:${run}`;
  let work: string;
  const env = () => ({ CONTAINERS_CONF, RIG_STATE_DIR: join(work, 'state') });

  async function build(recipes: string): Promise<BuildStep[]> {
    const context = mkdtempSync(join(work, 'context-'));
    const exported = await rig(['export', 'dockerfile', 'e2e-stack', '--recipes', recipes, '--from', base, '-o', join(context, 'Dockerfile')], { env: env() });
    expect(exported.code, exported.stderr).toBe(0);
    const res = await podman(['build', '-t', tag, context]);
    expect(res.code, res.out.split('\n').slice(-30).join('\n')).toBe(0);
    return buildSteps(res.out);
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'rig-e2e-dockerfile-'));
    writeFileSync(join(work, 'Dockerfile'), `FROM ${TEST_IMAGE}\n`);
    await podmanOk(['build', '-q', '--label', `rig.e2e.run=${run}`, '-t', base, work]);
  });

  afterAll(async () => {
    // Every image built on the base carries its label: the tagged ones, and the layers podman keeps for its cache.
    for (let round = 0; round < 3; round++) {
      const ids = (await podmanOk(['images', '-a', '-q', '--filter', `label=rig.e2e.run=${run}`])).split('\n').filter(Boolean);
      if (!ids.length) break;
      await podman(['rmi', '-f', ...ids]);
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('builds the stack with podman build; after only the last recipe changes, every earlier layer comes from the cache', async () => {
    const recipes = join(work, 'recipes');
    cpSync(RECIPES, recipes, { recursive: true });
    const first = await build(recipes);
    // One layer per unit of the plan's program: adjacent apt-only recipes share one (build-essential and cmake; git
    // through audio-libs), as they share one apt-get in rig apply; python3-venv and greeting have layers of their own.
    expect(first.filter((s) => s.instruction.startsWith('RUN '))).toHaveLength(4);
    expect(first.filter((s) => s.cached)).toEqual([]);

    const greeting = join(recipes, 'greeting.yaml');
    writeFileSync(greeting, readFileSync(greeting, 'utf8').replace('default: hello from rig', 'default: hello again'));
    const second = await build(recipes);
    const last = second.findLastIndex((s) => s.instruction.startsWith('RUN '));
    expect(second.slice(0, last).filter((s) => !s.cached)).toEqual([]);
    expect(second.slice(last).filter((s) => s.cached)).toEqual([]);

    expect(await podmanOk(['run', '--rm', '--network', 'none', tag, 'e2e-greet'])).toBe('hello again');
    const again = await rig(['apply', 'e2e-stack', '--recipes', recipes, '--target', `podman:${tag}`, '--json'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(events(again.stdout).find((e) => e.type === 'run-done')).toMatchObject({ ok: true, ran: 0 });
  }, 900_000);
});
