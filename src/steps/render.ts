import { UserError } from '../errors.js';
import type { Facts } from '../facts/types.js';
import type { Step } from '../recipe/model.js';
import type { StepKind } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { renderApt } from './apt.js';
import { renderDownload } from './download.js';
import { renderEnv } from './env.js';
import { renderFile } from './file.js';
import { renderGit } from './git.js';
import { renderPip } from './pip.js';
import { envPrelude } from './prelude.js';
import { renderRun } from './run.js';
import type { KindRender, RenderContext, RenderedStep } from './types.js';

// Seconds a step of each kind may run before it is killed, unless the step sets `timeout`.
const DEFAULT_TIMEOUT_S: Record<StepKind, number> = { apt: 1800, pip: 3600, download: 3600, file: 60, env: 60, git: 3600, run: 7200 };
// Retries of network-bound kinds, unless the step sets `retries`.
const DEFAULT_RETRIES: Record<StepKind, number> = { apt: 2, pip: 2, download: 3, file: 0, env: 0, git: 2, run: 0 };

function renderKind(step: Step, ctx: RenderContext): KindRender {
  switch (step.kind) {
    case 'apt':
      return renderApt(step.spec, ctx);
    case 'pip':
      return renderPip(step.spec, ctx);
    case 'download':
      return renderDownload(step.spec, ctx);
    case 'file':
      return renderFile(step.spec, ctx);
    case 'env':
      return renderEnv(step.spec, ctx);
    case 'git':
      return renderGit(step.spec, ctx);
    case 'run':
      return renderRun(step.spec, ctx);
  }
}

// Run a script as root through sudo when the target user is not root. The `keep` variables travel on sudo's command
// line; the `secrets` never do: their values go to root's shell on its stdin (printf is a builtin, so they are on no
// process's command line), NUL-terminated, read before anything else runs.
export function asRoot(script: string, facts: Facts, keep: readonly string[], secrets: readonly string[] = []): string {
  if (facts.root) return script;
  const vars = keep.map((name) => `${name}="\${${name}:-}" `).join('');
  // The root shell stops at the first failing command, as the user's own does.
  const body = `set -euo pipefail\n${envPrelude(facts)}\n${script}`;
  if (!secrets.length) return `sudo -n env ${vars}bash -c ${shq(body)}`;
  const values = secrets.map((name) => `"\${${name}-}"`).join(' ');
  const reads = `${secrets.map((name) => `IFS= read -r -d "" ${name}`).join('; ')}; export ${secrets.join(' ')}`;
  return `printf '%s\\0' ${values} | sudo -n env ${vars}bash -c ${shq(`${reads}\n${body}`)}`;
}

// Render one step to shell with its guard, timeout and retries; root steps go through sudo when needed.
export function renderStep(step: Step, ctx: RenderContext): RenderedStep {
  const kind = renderKind(step, ctx);
  const root = step.spec.root ?? kind.root ?? false;
  if (root && !ctx.facts.root && !ctx.facts.sudo) {
    throw new UserError(`${step.kind} step needs root, and ${ctx.facts.user || 'this user'} is not root there and has no sudo that runs without a password: run as root, or give ${ctx.facts.user || 'the user'} passwordless sudo`, step.where);
  }
  const rendered: RenderedStep = {
    kind: step.kind,
    title: step.spec.name === undefined ? kind.title : ctx.data(step.spec.name),
    // RIG_STEP marks the step's processes (src/run/leftover.ts): root's must carry it too.
    script: root ? asRoot(kind.script, ctx.facts, ['RIG_STEP', ...(kind.fetch ? ['RIG_FILE', 'RIG_DIGEST'] : [])], ctx.secretEnvs) : kind.script,
    root,
    timeoutMs: (step.spec.timeout ?? DEFAULT_TIMEOUT_S[step.kind]) * 1000,
    retries: step.spec.retries ?? DEFAULT_RETRIES[step.kind],
  };
  if (kind.guard) rendered.guard = kind.guard;
  if (kind.fetch) rendered.fetch = kind.fetch;
  if (kind.secretFile) rendered.secretFile = kind.secretFile;
  if (kind.env) rendered.env = kind.env;
  if (kind.apt) rendered.apt = kind.apt;
  if (kind.pin) rendered.pin = kind.pin;
  return rendered;
}
