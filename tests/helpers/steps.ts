import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Facts } from '../../src/facts/types.js';
import { NO_MIRROR } from '../../src/recipe/mirror.js';
import type { Step } from '../../src/recipe/model.js';
import { stepSchemas, type StepKind } from '../../src/recipe/schema.js';
import { renderData, renderShell, renderText } from '../../src/recipe/template.js';
import { renderStep } from '../../src/steps/render.js';
import type { RenderContext, RenderedStep } from '../../src/steps/types.js';
import { makeFacts } from './facts.js';
import { tempDir } from './temp.js';

// One step of a recipe "r", parsed and rendered for `facts` as the planner does (with `over` in its render context).
export function renderTestStep(kind: StepKind, spec: Record<string, unknown>, facts: Facts, over: Partial<RenderContext> = {}): RenderedStep {
  const parsed = stepSchemas[kind].parse(spec);
  const step = { kind, spec: parsed, index: 0, where: 'r.yaml:1:1' } as Step;
  return renderStep(step, { facts, mirror: NO_MIRROR, recipe: 'r', secretEnvs: [], data: (t) => renderData(t, {}), shell: (t) => renderShell(t, {}), text: (t) => renderText(t, {}), ...over });
}

// Run a script with bash as rig does (set -euo pipefail): its exit code and output.
export function sh(script: string, env: Record<string, string> = {}): { code: number; out: string } {
  const res = spawnSync('bash', ['-c', `set -euo pipefail\n${script}`], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: res.status ?? 1, out: res.stdout + res.stderr };
}

// Facts of a box whose home, env dir and state dir are in a fresh temp dir.
export function boxFacts(): Facts {
  const home = tempDir();
  return makeFacts({ home, envDir: join(home, 'env'), stateDir: join(home, 'state') });
}

// A file that is not rig's to write (an /etc/shadow), mode 0600; `intact` checks it is as it was.
export function victim(dir: string, name = 'shadow'): { path: string; intact: () => void } {
  const path = join(dir, name);
  const text = 'root:$6$secret:19000:0:99999:7:::\n';
  writeFileSync(path, text, { mode: 0o600 });
  return {
    path,
    intact: () => {
      expect(readFileSync(path, 'utf8')).toBe(text);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    },
  };
}
