import { UserError } from '../errors.js';
import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import { replaceFileScript } from './replace-file.js';
import type { KindRender, RenderContext } from './types.js';

// Shell that writes `content` to `path` through a fresh temporary file and a rename, so the file is never half-written.
export function writeFileScript(path: string, content: string, mode: string): string {
  return replaceFileScript(path, [`printf '%s' ${shq(content)} > "$rig_tmp"`, `chmod ${mode} "$rig_tmp"`]);
}

function modeTest(p: string, mode: string): string {
  return `[ "$(stat -c %a ${p})" = ${Number.parseInt(mode, 8).toString(8)} ]`;
}

// Shell that exits 0 when `path` holds exactly `content` with `mode`: its mode and size from one stat, then its bytes
// read by bash itself (read stops at a NUL byte, which the size then tells apart; it ends at the end of the file with
// status 1, which is no failure here) and compared.
export function sameFileGuard(path: string, content: string, mode: string): string {
  const p = shq(path);
  const modeAndSize = shq(`${Number.parseInt(mode, 8).toString(8)} ${Buffer.byteLength(content, 'utf8')}`);
  return `[ -f ${p} ] && [ "$(stat -c '%a %s' ${p})" = ${modeAndSize} ] && { rig_held=; IFS= read -r -d '' rig_held < ${p} || :; [ "$rig_held" = ${shq(content)} ]; }`;
}

// The file with `line` added at its end (a new file when there is none, mode 0644 unless `mode` is given): the file's
// own content, owner and mode are copied into the fresh temporary file first.
function addLine(path: string, line: string, mode: string | undefined): string {
  const p = shq(path);
  return replaceFileScript(path, [
    `if [ -f ${p} ]; then cp -p ${p} "$rig_tmp"; else chmod 0644 "$rig_tmp"; fi`,
    `if [ -s "$rig_tmp" ] && [ "$(tail -c 1 "$rig_tmp")" != "" ]; then echo >> "$rig_tmp"; fi`,
    `printf '%s\\n' ${shq(line)} >> "$rig_tmp"`,
    ...(mode ? [`chmod ${mode} "$rig_tmp"`] : []),
  ]);
}

// file: writes a whole file (compared by content and mode) or makes sure it holds one line (and the mode, when given).
export function renderFile(spec: StepSpec<'file'>, ctx: RenderContext): KindRender {
  const path = targetPath(ctx.data(spec.file), ctx.facts);
  const root = pathNeedsRoot(path, ctx.facts);
  if (spec.line !== undefined) {
    const line = ctx.data(spec.line);
    if (/[\r\n]/.test(line)) throw new UserError(`file: line ${JSON.stringify(line)} has a line break; line adds one line (write several with content)`);
    const p = shq(path);
    const guard = `grep -qxF -- ${shq(line)} ${p} 2>/dev/null${spec.mode ? ` && ${modeTest(p, spec.mode)}` : ''}`;
    return { title: `line in ${path}`, guard, script: addLine(path, line, spec.mode), root };
  }
  const content = ctx.data(spec.content!);
  const mode = spec.mode ?? '0644';
  return { title: `write ${path}`, guard: sameFileGuard(path, content, mode), script: writeFileScript(path, content, mode), root };
}
