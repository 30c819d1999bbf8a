import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { sameFileGuard, writeFileScript } from './file.js';
import { instanceStem } from './instance-name.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import type { EnvSetting, KindRender, RenderContext } from './types.js';

function prependLines(variable: string, dirs: string[]): string[] {
  return [...dirs].reverse().map(
    (dir) => `case ":\${${variable}:-}:" in *:${shq(dir)}:*) ;; *) export ${variable}=${shq(dir)}"\${${variable}:+:\${${variable}}}" ;; esac`,
  );
}

// What an env step sets, rendered for the target.
function envSetting(spec: StepSpec<'env'>, ctx: RenderContext): EnvSetting {
  const dirs = (list: string[]) => list.map((d) => targetPath(ctx.data(d), ctx.facts));
  return {
    path: dirs(spec.env.path ?? []),
    prepend: Object.fromEntries(Object.entries(spec.env.prepend ?? {}).map(([name, list]) => [name, dirs(list)])),
    vars: Object.fromEntries(Object.entries(spec.env.vars ?? {}).map(([name, value]) => [name, ctx.data(value)])),
  };
}

// The profile file an env step writes: PATH entries first, then variables.
function envFileContent(recipe: string, setting: EnvSetting): string {
  const lines = [`# ${recipe}: written by rig; rig rewrites this file`, ...prependLines('PATH', setting.path)];
  for (const [name, dirs] of Object.entries(setting.prepend)) lines.push(...prependLines(name, dirs));
  for (const [name, value] of Object.entries(setting.vars)) lines.push(`export ${name}=${shq(value)}`);
  return `${lines.join('\n')}\n`;
}

// The profile file of this instance of the recipe: rig-NAME.sh, or rig-NAME-HASH.sh for one required with params.
function profileFile(ctx: RenderContext): string {
  return `${targetPath(ctx.facts.envDir, ctx.facts)}/rig-${instanceStem(ctx)}.sh`;
}

// env: PATH entries and variables in a profile file of this recipe instance, read by login shells and by every later rig command.
export function renderEnv(spec: StepSpec<'env'>, ctx: RenderContext): KindRender {
  const file = profileFile(ctx);
  const env = envSetting(spec, ctx);
  const content = envFileContent(ctx.recipe, env);
  const what = [...(spec.env.path?.length ? ['PATH'] : []), ...Object.keys(spec.env.prepend ?? {}), ...Object.keys(spec.env.vars ?? {})];
  return {
    title: `env ${what.join(' ')} → ${file}`,
    guard: sameFileGuard(file, content, '0644'),
    script: writeFileScript(file, content, '0644'),
    root: pathNeedsRoot(file, ctx.facts),
    env,
  };
}
