import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { sameFileGuard, writeFileScript } from './file.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import type { KindRender, RenderContext } from './types.js';

function prependLines(variable: string, dirs: string[]): string[] {
  return [...dirs].reverse().map(
    (dir) => `case ":\${${variable}:-}:" in *:${shq(dir)}:*) ;; *) export ${variable}=${shq(dir)}"\${${variable}:+:\${${variable}}}" ;; esac`,
  );
}

// The profile file an env step writes: PATH entries first, then variables.
export function envFileContent(recipe: string, spec: StepSpec<'env'>, ctx: RenderContext): string {
  const paths = (spec.env.path ?? []).map((p) => targetPath(ctx.data(p), ctx.facts));
  const lines = [`# ${recipe}: written by rig; rig rewrites this file`, ...prependLines('PATH', paths)];
  for (const [name, dirs] of Object.entries(spec.env.prepend ?? {})) lines.push(...prependLines(name, dirs.map((d) => targetPath(ctx.data(d), ctx.facts))));
  for (const [name, value] of Object.entries(spec.env.vars ?? {})) lines.push(`export ${name}=${shq(ctx.data(value))}`);
  return `${lines.join('\n')}\n`;
}

// env: PATH entries and variables in a profile file of this recipe, read by login shells and by every later rig command.
export function renderEnv(spec: StepSpec<'env'>, ctx: RenderContext): KindRender {
  const file = `${targetPath(ctx.facts.envDir, ctx.facts)}/rig-${ctx.recipe}.sh`;
  const content = envFileContent(ctx.recipe, spec, ctx);
  const what = [...(spec.env.path?.length ? ['PATH'] : []), ...Object.keys(spec.env.prepend ?? {}), ...Object.keys(spec.env.vars ?? {})];
  return {
    title: `env ${what.join(' ')} → ${file}`,
    guard: sameFileGuard(file, content, '0644'),
    script: writeFileScript(file, content, '0644'),
    root: pathNeedsRoot(file, ctx.facts),
  };
}
