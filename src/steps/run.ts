import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { targetPath } from './paths.js';
import { replaceFileScript } from './replace-file.js';
import type { KindRender, RenderContext } from './types.js';

// run: a shell command, skipped when `creates` exists or `unless` succeeds.
export function renderRun(spec: StepSpec<'run'>, ctx: RenderContext): KindRender {
  const guards: string[] = [];
  if (spec.creates !== undefined) guards.push(`[ -e ${shq(targetPath(ctx.data(spec.creates), ctx.facts))} ]`);
  if (spec.unless !== undefined) guards.push(`( ${ctx.shell(spec.unless)} ) >/dev/null 2>&1`);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(spec.environment ?? {})) lines.push(`export ${name}=${shq(ctx.data(value))}`);
  if (spec.cwd !== undefined) lines.push(`cd ${shq(targetPath(ctx.data(spec.cwd), ctx.facts))}`);
  const command = ctx.shell(spec.run);
  if (spec.secretOutput !== undefined) {
    const file = targetPath(ctx.data(spec.secretOutput), ctx.facts);
    // Written to a file made fresh (mode 0600), never through a link planted at a predictable name.
    lines.push('umask 077', replaceFileScript(file, [`{\n${command}\n} > "$rig_tmp"`]));
  } else lines.push(command);
  // Titled by the recipe's first line, not by the shell it renders to (which may begin with its values' assignments).
  const first = ctx.text(spec.run.split('\n').find((l) => l.trim()) ?? '');
  const rendered: KindRender = { title: first.length > 70 ? `${first.slice(0, 69)}…` : first, script: lines.join('\n'), root: spec.root ?? false };
  if (spec.secretOutput !== undefined) rendered.secretFile = targetPath(ctx.data(spec.secretOutput), ctx.facts);
  if (guards.length) rendered.guard = guards.join(' || ');
  return rendered;
}
