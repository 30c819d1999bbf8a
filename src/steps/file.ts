import { posix } from 'node:path';
import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import type { KindRender, RenderContext } from './types.js';

// Shell that writes `content` to `path` through a temporary file and a rename, so the file is never half-written.
export function writeFileScript(path: string, content: string, mode: string): string {
  const tmp = shq(`${path}.rig-tmp`);
  return [
    `mkdir -p ${shq(posix.dirname(path))}`,
    `printf '%s' ${shq(content)} > ${tmp}`,
    `chmod ${mode} ${tmp}`,
    `mv -f ${tmp} ${shq(path)}`,
  ].join('\n');
}

// Shell that exits 0 when `path` holds exactly `content` with `mode`.
export function sameFileGuard(path: string, content: string, mode: string): string {
  const p = shq(path);
  return `[ -f ${p} ] && [ "$(stat -c %a ${p})" = ${Number.parseInt(mode, 8).toString(8)} ] && printf '%s' ${shq(content)} | cmp -s - ${p}`;
}

// file: writes a whole file (compared by content and mode) or makes sure it holds one line.
export function renderFile(spec: StepSpec<'file'>, ctx: RenderContext): KindRender {
  const path = targetPath(ctx.data(spec.file), ctx.facts);
  const root = pathNeedsRoot(path, ctx.facts);
  if (spec.line !== undefined) {
    const line = ctx.data(spec.line);
    const p = shq(path);
    const tmp = shq(`${path}.rig-tmp`);
    const script = [
      `mkdir -p ${shq(posix.dirname(path))}`,
      `if [ -f ${p} ]; then cp -p ${p} ${tmp}; else : > ${tmp}; fi`,
      `if [ -s ${tmp} ] && [ "$(tail -c 1 ${tmp})" != "" ]; then echo >> ${tmp}; fi`,
      `printf '%s\\n' ${shq(line)} >> ${tmp}`,
      `mv -f ${tmp} ${p}`,
    ].join('\n');
    return { title: `line in ${path}`, guard: `grep -qxF -- ${shq(line)} ${p} 2>/dev/null`, script, root };
  }
  const content = ctx.data(spec.content!);
  const mode = spec.mode ?? '0644';
  return { title: `write ${path}`, guard: sameFileGuard(path, content, mode), script: writeFileScript(path, content, mode), root };
}
