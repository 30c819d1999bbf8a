import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { rewriteUrl } from '../recipe/mirror.js';
import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import type { KindRender, RenderContext } from './types.js';

const COMMIT = /^[0-9a-f]{7,40}$/;

// `git -c url.<mirror>.insteadOf=<upstream>` for every rewrite of the mirror, so submodules follow it too.
function mirrorConfig(ctx: RenderContext): string {
  return ctx.mirror.rewrites.map((r) => ` -c ${shq(`url.${r.to}.insteadOf=${r.from}`)}`).join('');
}

// git: clones a repository (through the mirror) and checks out a ref; done when HEAD is that ref.
export function renderGit(spec: StepSpec<'git'>, ctx: RenderContext): KindRender {
  const repo = ctx.data(spec.git);
  const dir = targetPath(ctx.data(spec.dir), ctx.facts);
  const given = spec.ref === undefined ? undefined : ctx.data(spec.ref);
  // Under a lock the clone is checked out at the commit it records.
  const ref = ctx.locked?.git(dir) ?? given;
  const url = rewriteUrl(ctx.mirror, repo);
  for (const [what, value] of [['repository', repo], ['repository', url], ['ref', ref]] as const) {
    if (value?.startsWith('-')) throw new UserError(`git: ${what} "${value}" begins with "-", which git would read as an option`);
  }
  const git = `git${mirrorConfig(ctx)}`;
  const d = shq(dir);
  const clone = [`${git} clone -q`];
  if (spec.depth && ref && !COMMIT.test(ref)) clone.push(`--depth ${spec.depth}`);
  if (ref && !COMMIT.test(ref)) clone.push(`--branch ${shq(ref)}`);
  clone.push(shq(url), '"$rig_clone"');
  // Cloned beside the destination and renamed into place: an interrupted clone leaves no half repository there.
  const parent = posix.dirname(dir);
  const lines = [
    `if [ ! -d ${d}/.git ]; then`,
    `mkdir -p ${shq(parent)} && rig_clone=$(mktemp -d ${shq(`${parent === '/' ? '' : parent}/.${posix.basename(dir)}.rig-clone-XXXXXX`)})`,
    `trap 'rm -rf "$rig_clone"' EXIT`,
    // mktemp makes it 0700: give it the mode a folder git made itself would have.
    `chmod "$(printf '%o' $(( 0777 & ~$(umask) )))" "$rig_clone"`,
    clone.join(' '),
    `mv -T "$rig_clone" ${d}`,
    'fi',
  ];
  if (ref) {
    const commit = shq(`${ref}^{commit}`);
    lines.push(`git -C ${d} rev-parse -q --verify ${commit} >/dev/null || ${git} -C ${d} fetch -q origin ${shq(ref)}`);
    lines.push(`git -C ${d} checkout -q ${shq(ref)} 2>/dev/null || git -C ${d} checkout -q FETCH_HEAD`);
  }
  if (spec.recursive) lines.push(`${git} -C ${d} submodule update -q --init --recursive`);
  const guard = ref
    ? `[ -d ${d}/.git ] && [ "$(git -C ${d} rev-parse HEAD)" = "$(git -C ${d} rev-parse -q --verify ${shq(`${ref}^{commit}`)})" ]`
    : `[ -d ${d}/.git ]`;
  return { title: `git ${repo}${ref ? `@${ref}` : ''} → ${dir}`, guard, script: lines.join('\n'), root: pathNeedsRoot(dir, ctx.facts), pin: { kind: 'git', url: repo, dir } };
}
